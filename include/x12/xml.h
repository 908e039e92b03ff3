/* x12kit lossless X12 <-> XML.
 *
 * The encoder reads X12 (through the streaming reader and the loop walker)
 * and writes XML with libxml2's xmlTextWriter as the segments arrive: an
 * <interchange> per ISA carrying its delimiters, <group>, <transaction> and
 * the guide's <loop>s, a <seg> per segment with an <el> per element
 * (<rep>/<comp> inside for repetitions and components).  Bytes that XML
 * cannot carry are written as hex, and the bytes the lenient reader skips
 * between segments (line breaks, indentation, a BOM, padding) are recorded,
 * so the decoder, which streams the XML back with xmlTextReader, reproduces
 * the input byte for byte.  Neither direction holds more than one segment
 * plus small fixed buffers.  The format is described in docs/xml.md. */
#ifndef X12_XML_H
#define X12_XML_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"
#include "reader.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The namespace of every element the encoder writes and the decoder accepts. */
#define X12_XML_NAMESPACE "urn:x12kit:xml:1"

/* Flags (x12_xml_options.flags). */
/* Encoder: write the document on one line, with no whitespace between
 * elements (the default puts one segment per line, indented by nesting). */
#define X12_XML_COMPACT 0x1u
/* Encoder: do not record the bytes the reader skips between segments; the
 * decoder then writes each segment followed by its terminator only (the
 * "normalised" form, see docs/xml.md). */
#define X12_XML_NO_GAPS 0x2u
/* Encoder: the loops of a set of another version of a guide x12kit has
 * (005010X222A2, X223A3, X221, ...) are those of that guide
 * (X12_WALK_NEAREST_GUIDE); without it such a set is one flat loop. */
#define X12_XML_NEAREST_GUIDE 0x4u

/* Skipped runs longer than this are not recorded (the decoder writes the
 * terminator alone there); it bounds the encoder's two gap buffers. */
#define X12_XML_MAX_GAP 65536u

typedef struct x12_xml_options {
    x12_reader_options reader; /* encoder: how the X12 is read (flags, limits) */
    unsigned flags;            /* X12_XML_* */
    /* Encoder: called for each problem in the X12 input (the reader's syntax
     * and envelope errors, X12_ERR_IO when a file cannot be read); the record
     * is valid during the call only.  Conversion goes on after it.  May be NULL. */
    void (*error)(void *ctx, const x12_error *err);
    void *error_ctx;
    /* Decoder: longest segment it builds, terminator excluded; longer is
     * X12_ERR_LIMIT.  Default X12_DEFAULT_MAX_SEGMENT_LENGTH. */
    size_t max_segment_length;
} x12_xml_options;

/* Fills `opts` with the defaults: a strict reader with default limits,
 * indented output, gaps recorded, no error callback. */
X12_API void x12_xml_options_init(x12_xml_options *opts);

/* --- X12 -> XML ----------------------------------------------------------- */

typedef struct x12_xml_encoder x12_xml_encoder;

/* Creates an encoder writing UTF-8 XML to `out(ctx, ...)`; the XML
 * declaration and the <x12> root are written at once.  `opts` NULL means
 * x12_xml_options_init() defaults (the options are copied).  Returns NULL
 * when memory runs out or the first write fails; `err`, when not NULL, then
 * holds X12_ERR_NOMEM or X12_ERR_IO.  Free with x12_xml_encoder_free(). */
X12_API x12_xml_encoder *x12_xml_encoder_new(const x12_xml_options *opts, x12_write_fn out,
                                             void *ctx, x12_error *err);

/* Starts one X12 input: a <file> element, named `name` when not NULL (the
 * name is informational: the decoder ignores it).  Returns X12_OK,
 * X12_ERR_USAGE (a file is already open, or the encoder was finished),
 * X12_ERR_NOMEM or X12_ERR_IO. */
X12_API x12_status x12_xml_encoder_begin_file(x12_xml_encoder *x, const char *name);

/* Feeds X12 bytes of the open file, in chunks of any size.  Problems in the
 * X12 go to the error callback and do not stop the encoder.  Returns X12_OK,
 * X12_ERR_USAGE (no file open), X12_ERR_NOMEM or X12_ERR_IO (the output
 * failed; later calls return it again). */
X12_API x12_status x12_xml_encoder_feed(x12_xml_encoder *x, const void *buf, size_t len);

/* Ends the open file: what is left open in the X12 is reported and closed in
 * the XML.  Returns as x12_xml_encoder_feed(). */
X12_API x12_status x12_xml_encoder_end_file(x12_xml_encoder *x);

/* Reads `path` ("-" or NULL for standard input; gzip is inflated) as one
 * file: begin_file (named `path`), feed, end_file.  A file that cannot be
 * opened or read is reported through the error callback with X12_ERR_IO or
 * X12_ERR_GZIP and returned, and the encoder stays usable.  Returns X12_OK or
 * one of those codes, X12_ERR_NOMEM or X12_ERR_USAGE. */
X12_API x12_status x12_xml_encoder_add_file(x12_xml_encoder *x, const char *path);

/* Closes the document (a file still open is ended first) and flushes the
 * output.  Returns X12_OK, X12_ERR_IO or X12_ERR_NOMEM. */
X12_API x12_status x12_xml_encoder_finish(x12_xml_encoder *x);

/* Frees the encoder without writing anything more; NULL is a no-op. */
X12_API void x12_xml_encoder_free(x12_xml_encoder *x);

/* --- XML -> X12 ----------------------------------------------------------- */

/* Reads the XML of an encoder from `path` ("-" or NULL for standard input)
 * with xmlTextReader, one node at a time, and sends the X12 to `out(ctx,
 * ...)`: each segment (with what goes before it) in one call.  Each
 * interchange uses the delimiters of its <interchange> element, so the output
 * equals the encoder's input as docs/xml.md states.  `opts` may be NULL.
 *
 * Returns X12_OK or, with `err` (may be NULL) filled:
 *   X12_ERR_USAGE  the XML is not well-formed, or is not x12kit XML (an
 *                  unknown element, a <seg> outside an <interchange>, a bad
 *                  delimiter or hex attribute, a repetition without a
 *                  repetition separator, ...).  err->byte_offset holds the XML
 *                  line (as x12_spec_load() does), detail says what is wrong,
 *                  and segment_index/segment_id/element_pos name the segment
 *                  being built (counted from the start of the output);
 *   X12_ERR_LIMIT  a segment longer than opts->max_segment_length;
 *   X12_ERR_IO     the file cannot be read, or `out` failed;
 *   X12_ERR_NOMEM.
 * Segments before the error have been sent; the one being built has not. */
X12_API x12_status x12_xml_decode_file(const char *path, const x12_xml_options *opts,
                                       x12_write_fn out, void *ctx, x12_error *err);

/* As x12_xml_decode_file(), for XML in memory. */
X12_API x12_status x12_xml_decode_memory(const char *xml, size_t len, const x12_xml_options *opts,
                                         x12_write_fn out, void *ctx, x12_error *err);

#ifdef __cplusplus
}
#endif
#endif
