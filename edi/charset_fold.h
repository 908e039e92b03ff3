/* Private to edi/: X12 character classes and the iconv-based text conversion
 * shared by x12_text_to_x12() (charset.c) and the writer (writer.c), so that
 * text given to the writer is checked by exactly the code the public
 * converter uses. */
#ifndef X12_EDI_CHARSET_FOLD_H
#define X12_EDI_CHARSET_FOLD_H

#include <iconv.h>
#include <stddef.h>
#include <stdint.h>

#include "x12/error.h"
#include "x12/writer.h"

/* What a byte is to a writer: a data character, one of the four delimiters,
 * or a byte the character set does not allow.  Delimiter classes win over
 * the others, so a CR terminator is CC_SEGMENT, not CC_CONTROL. */
enum {
    CC_OK = 0,
    CC_ELEMENT,    /* element separator */
    CC_REPETITION, /* repetition separator */
    CC_COMPONENT,  /* component separator */
    CC_SEGMENT,    /* segment terminator */
    CC_OUTSIDE,    /* printable ASCII outside the basic set */
    CC_CONTROL,    /* 0x00-0x1F, 0x7F */
    CC_NONASCII    /* 0x80-0xFF */
};

/* Fills cls[256] for `charset`, with no delimiter marked. */
void x12__charset_classes(unsigned char cls[256], x12_charset charset);

/* The status a byte of class `c` gives (X12_OK for CC_OK). */
x12_status x12__class_status(unsigned char c);

/* Writes a short explanation naming the byte (never the value around it). */
void x12__class_detail(char *buf, size_t size, unsigned char c, unsigned byte);

/* Folds one code point from U+0080 up to its X12 spelling (1 or 2 ASCII
 * bytes written to out); returns 0 when it has none. */
size_t x12__fold(uint32_t cp, char out[2]);

/* Opens a converter from `encoding` to code points.  Returns X12_OK,
 * X12_ERR_USAGE (unknown encoding) or X12_ERR_NOMEM; `err` may be NULL. */
x12_status x12__conv_open(const char *encoding, iconv_t *cd, x12_error *err);

/* Converts `len` bytes through `cd` (reset first) into at most `cap` X12
 * bytes, each checked against `cls`.  *out_len gets the bytes written, also
 * on failure.  Errors carry code, msg, detail and byte_offset (the offending
 * character's first byte in `in`); the caller adds segment positions.
 * `encoding` is only used to word the detail. */
x12_status x12__conv(iconv_t cd, const char *encoding, const unsigned char cls[256], const char *in,
                     size_t len, char *out, size_t cap, size_t *out_len, x12_error *err);

#endif
