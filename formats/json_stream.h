/* Private: a streaming scanner for a JSON array of objects or NDJSON.
 *
 * jansson parses whole texts only, so this scanner finds where each top-level
 * element starts and ends (strings and escapes respected, nesting tracked, a
 * limit on one element's size) and hands just those bytes on: to json_loadb()
 * (json_stream_next()), or as they are to a caller that parses them itself
 * (raw mode, json_stream_next_raw(): the claims reader, claims_json.c, which
 * maps straight into claim structs and is several times faster than building
 * a jansson tree).  Memory is one input chunk plus one element, whatever the
 * size of the input.
 *
 * For jansson, numbers keep their text: each number token
 * (outside strings) is rewritten into a JSON string whose first character is
 * NUL ("\u0000" then the digits as written).  User strings may not contain
 * \u0000 (the scanner refuses them), so a string starting with NUL is always a
 * number and json_num_text() gives its exact text back: amounts are parsed
 * from "123.45" as written, never through a double.
 *
 * The first non-blank byte chooses the form: '[' an array (whitespace and
 * newlines anywhere), anything else NDJSON (one value per line; a line break
 * inside a value ends that record with an error).  After a bad element the
 * scanner goes on with the next one: in NDJSON at the next line, in an array
 * after the element's closing bracket or, when the brackets themselves are
 * broken, at the next line that starts with '{'. */
#ifndef X12_JSON_STREAM_H
#define X12_JSON_STREAM_H

#include <stdio.h>

#include <jansson.h>

#include "x12/common.h"
#include "x12/error.h"
#include "x12/json.h"
#include "x12/reader.h"

/* Reads up to cap bytes; *got 0 means end of input.  Returns X12_OK or an
 * error code (X12_ERR_IO, X12_ERR_GZIP) with err filled. */
typedef x12_status (*json_stream_read_fn)(void *ctx, char *buf, size_t cap, size_t *got,
                                          x12_error *err);

typedef struct json_stream_options {
    size_t max_object_bytes; /* source bytes of one element; default X12_JSON_DEFAULT_MAX_OBJECT */
    unsigned max_depth;      /* nesting inside one element; default X12_JSON_DEFAULT_MAX_DEPTH */
    const x12_allocator *alloc; /* the scanner's own buffers; NULL = libc */
    int raw;                 /* 1: use json_stream_next_raw() (no number rewriting, no jansson) */
} json_stream_options;

typedef struct json_stream json_stream;

typedef enum json_stream_result {
    JSON_STREAM_OBJECT = 0, /* *obj holds a new reference to the element's object */
    JSON_STREAM_ERROR = 1,  /* this element (or the bytes between elements) is bad; call again */
    JSON_STREAM_END = 2,    /* no more elements */
    JSON_STREAM_FATAL = 3   /* I/O, gzip or memory failure; later calls return it again */
} json_stream_result;

/* Where the element returned last starts. */
typedef struct json_stream_item {
    uint64_t index;       /* 0-based element number ($[index]) */
    uint64_t line;        /* 1-based line of its first byte */
    uint64_t byte_offset; /* of its first byte */
    size_t bytes;         /* source bytes of the element */
} json_stream_item;

/* Creates a scanner reading through `read(ctx, ...)`.  opts NULL = defaults.
 * Returns NULL when memory runs out. */
json_stream *json_stream_new(json_stream_read_fn read, void *ctx, const json_stream_options *opts);

/* Adapters: read from an x12_input (gzip and stdin come with it) or a FILE. */
x12_status json_stream_read_input(void *ctx, char *buf, size_t cap, size_t *got, x12_error *err);
x12_status json_stream_read_file(void *ctx, char *buf, size_t cap, size_t *got, x12_error *err);

/* Returns the next element.  On JSON_STREAM_OBJECT *obj is a new reference
 * (the caller decrefs it) and *item says where it was; on JSON_STREAM_ERROR
 * and JSON_STREAM_FATAL *err says what and where (err->path "$[i]" for an
 * element, "$" for bytes between elements) and *obj is NULL. */
json_stream_result json_stream_next(json_stream *s, json_t **obj, json_stream_item *item,
                                    x12_json_error *err);

/* For a scanner made with opts->raw: as json_stream_next(), but an object is
 * handed out as its bytes (exactly as in the input, numbers as written; the
 * scanner checked strings, numbers and brackets, not the rest of the
 * grammar), valid until the next call; the caller may write into them (the
 * claims parser ends strings in place).  Errors and positions as above. */
json_stream_result json_stream_next_raw(json_stream *s, char **bytes, size_t *len,
                                        json_stream_item *item, x12_json_error *err);

/* Frees the scanner; NULL is a no-op. */
void json_stream_free(json_stream *s);

/* When v is a number kept as text by the scanner, sets *text and *len to the
 * number as written and returns 1; otherwise returns 0. */
int json_num_text(const json_t *v, const char **text, size_t *len);

/* The JSON type name of v as the error messages use it ("a number", "a string", "an object"),
 * with numbers kept as text counted as numbers. */
const char *json_kind_name(const json_t *v);

#endif
