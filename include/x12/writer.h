/* x12kit segment and envelope writer.
 *
 * Writes segments with chosen delimiters through a caller-supplied output
 * function.  Envelopes are computed: ISA fields padded to their fixed widths,
 * SE01/GE01/IEA01 counted, SE02/GE02/IEA02 copied from their headers.  Element
 * data is checked byte by byte: a delimiter or a byte outside the chosen X12
 * character set is a typed error naming the segment, element and component;
 * nothing is written for a segment that fails.  Text in another encoding
 * (UTF-8, ISO-8859-1, ...) is converted through iconv when the options name
 * it; accented Latin letters become their base letters, anything else that X12
 * cannot represent is X12_ERR_CHARSET. */
#ifndef X12_WRITER_H
#define X12_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"
#include "reader.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Receives output bytes.  Returns 0 on success; anything else makes the
 * writer fail with X12_ERR_IO. */
typedef int (*x12_write_fn)(void *ctx, const void *buf, size_t len);

typedef enum x12_charset {
    X12_CHARSET_EXTENDED = 0, /* printable ASCII 0x20-0x7E (X12 basic + extended) */
    X12_CHARSET_BASIC = 1     /* A-Z 0-9 space ! " & ' ( ) * + , - . / : ; ? = */
} x12_charset;

typedef struct x12_writer_options {
    x12_delimiters delims;      /* default * ^ : ~ */
    const char *line_break;     /* written after each terminator: NULL/"" none, "\n", "\r\n" */
    x12_charset charset;        /* default X12_CHARSET_EXTENDED */
    const char *input_encoding; /* iconv name of the text given to the writer
                                   ("UTF-8", "ISO-8859-1"); NULL = already X12 bytes */
    size_t max_segment_length;  /* default X12_DEFAULT_MAX_SEGMENT_LENGTH */
    const x12_allocator *alloc; /* NULL = libc */
} x12_writer_options;

/* Fills `opts` with the defaults above. */
X12_API void x12_writer_options_init(x12_writer_options *opts);

/* ISA fields.  NULL strings take the default shown; values are padded to the
 * fixed ISA widths (AN with trailing spaces, numbers with leading zeros) and a
 * value longer than its field is X12_ERR_FIELD_WIDTH. */
typedef struct x12_isa_header {
    const char *auth_qualifier;     /* ISA01, "00" */
    const char *auth_info;          /* ISA02, blanks */
    const char *security_qualifier; /* ISA03, "00" */
    const char *security_info;      /* ISA04, blanks */
    const char *sender_qualifier;   /* ISA05, "ZZ" */
    const char *sender_id;          /* ISA06, required */
    const char *receiver_qualifier; /* ISA07, "ZZ" */
    const char *receiver_id;        /* ISA08, required */
    const char *date;               /* ISA09 YYMMDD, required */
    const char *time;               /* ISA10 HHMM, required */
    const char *version;            /* ISA12, "00501" */
    uint32_t control_number;        /* ISA13, 1..999999999 */
    char ack_requested;             /* ISA14, '0' when 0 */
    char usage;                     /* ISA15 'P' or 'T', 'P' when 0 */
} x12_isa_header;

typedef struct x12_gs_header {
    const char *functional_id;  /* GS01 "HC", "HP", "FA" */
    const char *sender;         /* GS02 */
    const char *receiver;       /* GS03 */
    const char *date;           /* GS04 CCYYMMDD */
    const char *time;           /* GS05 HHMM[SS] */
    uint32_t control_number;    /* GS06, 1..999999999 */
    const char *version;        /* GS08 "005010X222A1" */
} x12_gs_header;

typedef struct x12_writer x12_writer;

/* 1 when the `n` bytes at `p` are a date that exists, CCYYMMDD (or YYMMDD,
 * as ISA09), and a time that exists, HHMM[SS[d..]] (X12 types DT and TM):
 * what the envelope writer requires of ISA09/ISA10 and GS04/GS05. */
X12_API int x12_valid_date(const char *p, size_t n);
X12_API int x12_valid_time(const char *p, size_t n);

/* Creates a writer sending bytes to `out(ctx, ...)`.  `opts` NULL means the
 * defaults.  Returns NULL when the options are invalid (colliding or
 * alphanumeric delimiters, unknown encoding) or memory runs out; `err`, when
 * not NULL, says which.  Free with x12_writer_free(). */
X12_API x12_writer *x12_writer_new(const x12_writer_options *opts, x12_write_fn out, void *ctx,
                                   x12_error *err);

/* Frees the writer without writing anything more; NULL is a no-op. */
X12_API void x12_writer_free(x12_writer *w);

/* The error of the last failing call (code X12_OK when none failed). */
X12_API const x12_error *x12_writer_error(const x12_writer *w);

/* Envelopes.  Each returns X12_OK or an error code (also kept in
 * x12_writer_error()): X12_ERR_USAGE for a wrong nesting (a group outside an
 * interchange, an end without a begin), X12_ERR_FIELD_WIDTH, X12_ERR_INVALID_CHAR,
 * X12_ERR_DELIMITER_IN_DATA, X12_ERR_LIMIT (max_segment_length below the
 * segment), X12_ERR_NOMEM, X12_ERR_IO. */
X12_API x12_status x12_writer_begin_interchange(x12_writer *w, const x12_isa_header *isa);
X12_API x12_status x12_writer_end_interchange(x12_writer *w); /* IEA: groups, ISA13 */
X12_API x12_status x12_writer_begin_group(x12_writer *w, const x12_gs_header *gs);
X12_API x12_status x12_writer_end_group(x12_writer *w); /* GE: sets, GS06 */
/* ST01, ST02 (AN 4-9) and ST03 (NULL to omit). */
X12_API x12_status x12_writer_begin_set(x12_writer *w, const char *st01, const char *st02,
                                        const char *st03);
X12_API x12_status x12_writer_end_set(x12_writer *w); /* SE: segments from ST to SE, ST02 */

/* Builds one segment.  Elements are appended in order; a component or a
 * repetition continues the current element.  Trailing empty elements and
 * trailing empty components are dropped when the segment ends, as X12
 * requires.  Nothing is written until x12_writer_segment_end(); after an
 * error the segment is discarded (later calls for it return the same code).
 * ISA, IEA, GS, GE, ST and SE are refused (X12_ERR_USAGE): write them with
 * the envelope functions or x12_writer_write_segment(). */
X12_API x12_status x12_writer_segment_begin(x12_writer *w, const char *id);
X12_API x12_status x12_writer_element(x12_writer *w, const char *data, size_t len);
X12_API x12_status x12_writer_component(x12_writer *w, const char *data, size_t len);
X12_API x12_status x12_writer_repetition(x12_writer *w, const char *data, size_t len);
X12_API x12_status x12_writer_segment_end(x12_writer *w);

/* Writes a whole segment of simple elements: NUL-terminated strings ending
 * with NULL ("NM1", "85", "2", "CLINIC", NULL).  An empty string "" is an
 * empty element. */
X12_API x12_status x12_writer_segmentv(x12_writer *w, const char *id, ...);

/* Re-writes a segment read by x12_reader in this writer's delimiters,
 * elements, repetitions and components kept as they are (empty ones too).
 * Envelope segments are copied as read, without recomputing counts, so that
 * reading then writing a file reproduces it.  For an ISA the fixed field
 * widths are kept and ISA11/ISA16 take this writer's delimiters.  Returns as
 * the envelope functions. */
X12_API x12_status x12_writer_write_segment(x12_writer *w, const x12_segment *seg);

/* Segments written so far, envelopes included. */
X12_API uint64_t x12_writer_segment_count(const x12_writer *w);

/* Converts `len` bytes of text in `encoding` (an iconv name) into X12
 * characters of `charset`: ASCII kept, accented Latin letters folded to their
 * base letters (e -> e, A-ring -> A, sharp s -> ss).  Writes at most `cap`
 * bytes to `out` and sets *out_len.  Returns X12_OK, X12_ERR_ENCODING (bytes
 * invalid in `encoding`, with byte_offset into the text), X12_ERR_CHARSET (a
 * character with no X12 form), X12_ERR_INVALID_CHAR (a control character or,
 * for X12_CHARSET_BASIC, a character outside the basic set), X12_ERR_LIMIT
 * (`cap` too small) or X12_ERR_USAGE (unknown encoding).  `err` may be NULL. */
X12_API x12_status x12_text_to_x12(const char *encoding, const char *in, size_t len, char *out,
                                   size_t cap, size_t *out_len, x12_charset charset,
                                   x12_error *err);

/* ---- gzip output -------------------------------------------------------- */

/* A write function that gzip-compresses (RFC 1952, zlib) what it is given and
 * sends the compressed bytes to `out(ctx, ...)`: put it between any writer of
 * this library (x12_writer, the 837 writer, the 835 rows, the claims JSON, the
 * 999 writer) and a file or socket.  Memory is one zlib stream (about 256 KiB
 * at the default memory level) and a 64 KiB block, whatever is written. */
typedef struct x12_gzip_out x12_gzip_out;

/* `level` is zlib's: 1 fastest ... 9 smallest, -1 its default (6).  `alloc`
 * NULL = libc.  NULL when memory runs out or `level`/`out` are not usable. */
X12_API x12_gzip_out *x12_gzip_out_new(int level, x12_write_fn out, void *ctx,
                                       const x12_allocator *alloc);

/* An x12_write_fn: `ctx` is the x12_gzip_out.  Returns 0, or -1 once `out`
 * has failed (every later call too) or after x12_gzip_out_finish(). */
X12_API int x12_gzip_out_write(void *ctx, const void *buf, size_t len);

/* Compresses what is left and writes the gzip trailer.  X12_OK, or X12_ERR_IO
 * when `out` failed (now or before).  A second call does nothing. */
X12_API x12_status x12_gzip_out_finish(x12_gzip_out *g);

/* Bytes given to it and bytes sent on (compressed) so far. */
X12_API void x12_gzip_out_get_stats(const x12_gzip_out *g, uint64_t *in_bytes,
                                    uint64_t *out_bytes);

/* Frees it (without finishing: an unfinished stream is cut short); NULL is
 * a harmless no-op. */
X12_API void x12_gzip_out_free(x12_gzip_out *g);

#ifdef __cplusplus
}
#endif
#endif
