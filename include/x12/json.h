/* x12kit JSON: claims in and out (docs/claims-json.md).
 *
 * Claims come in as a JSON array of objects or as NDJSON (one object per
 * line), read as a stream: memory is one input chunk plus one claim, however
 * many claims the input holds.  A bad claim is reported with its line, byte
 * offset and JSON path and the reader goes on with the next one. */
#ifndef X12_JSON_H
#define X12_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "claim.h"
#include "common.h"
#include "error.h"
#include "export.h"
#include "writer.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the JSON input (x12_claims_json_options). */
#define X12_JSON_DEFAULT_MAX_OBJECT (1u << 20) /* source bytes of one claim object */
#define X12_JSON_DEFAULT_MAX_DEPTH 32u         /* nesting inside one claim object */

/* One problem in JSON input.  Element values (patient data) never appear in
 * `message`. */
typedef struct x12_json_error {
    x12_status code;      /* X12_ERR_ENCODING (not JSON / not an object / truncated),
                             X12_ERR_LIMIT, X12_ERR_ELEMENT_*, X12_ERR_BALANCE,
                             X12_ERR_NPI, ... or X12_ERR_IO / X12_ERR_GZIP / X12_ERR_NOMEM */
    uint64_t index;       /* 0-based element ($[index]) the problem belongs to */
    uint64_t line;        /* 1-based line: of the problem when the scanner or the JSON
                             parser found it, else of the claim's first byte */
    uint64_t byte_offset; /* from the first byte of the input, on the same terms */
    char path[128];       /* "$[3].lines[1].charge"; "$" between elements */
    char message[224];    /* "expected a decimal amount ..." */
} x12_json_error;

/* Formats `e` as "line L, byte B: PATH: MESSAGE" into buf (NUL-terminated
 * when size > 0).  Returns the length the full text needs, like snprintf. */
X12_API int x12_json_error_format(const x12_json_error *e, char *buf, size_t size);

/* --- Claims in ------------------------------------------------------------ */

/* x12_claims_json_options.type: take each claim's "type" (professional when
 * it has none) and hold every later claim to the first good claim's type. */
#define X12_CLAIMS_JSON_ANY_TYPE (-1)

typedef struct x12_claims_json_options {
    int type;                   /* an x12_claim_type every claim must have (claims
                                   without "type" get it), or X12_CLAIMS_JSON_ANY_TYPE */
    int no_check;               /* 1: skip x12_claim_check() (the writer checks anyway) */
    const char *refuse_chars;   /* bytes no string may contain (the delimiters of the
                                   837 to be written, "*:^~"); NULL = none.  Control
                                   characters (below 0x20) are always refused */
    int to_x12;                 /* 1: strings with non-ASCII characters are folded to
                                   X12's extended character set (x12_text_to_x12():
                                   "José" -> "Jose"); a character X12 cannot carry is
                                   an error naming the field.  0: kept as UTF-8 */
    size_t max_object_bytes;    /* 0 = X12_JSON_DEFAULT_MAX_OBJECT */
    unsigned max_depth;         /* 0 = X12_JSON_DEFAULT_MAX_DEPTH */
    const x12_allocator *alloc; /* the reader's buffers; NULL = libc.  jansson's own
                                   allocations follow json_set_alloc_funcs() */
} x12_claims_json_options;

/* Fills `o` with the defaults: any type, checks on, default limits, libc. */
X12_API void x12_claims_json_options_init(x12_claims_json_options *o);

/* One claim read from JSON.  The structs live in the arena given to
 * x12_claims_json_next(); its strings live there too or, to save a copy, in
 * the reader's input buffer.  So everything pointed to is valid until the
 * next x12_claims_json_next() or x12_claims_json_free() and until the arena
 * is reset or freed, whichever comes first.  (x12_claim_from_json() copies
 * every string into the arena.) */
typedef struct x12_claims_json_item {
    const x12_claim *claim;             /* NULL at the end of the input */
    const x12_claim_party *submitter;   /* "submitter" (1000A) when the object has one */
    const x12_claim_party *receiver;    /* "receiver" (1000B) when the object has one */
    uint64_t index;                     /* 0-based element number */
    uint64_t line;                      /* 1-based line of the object's first byte */
    uint64_t byte_offset;               /* of the object's first byte */
} x12_claims_json_item;

typedef struct x12_claims_json_reader x12_claims_json_reader;

/* Opens `path` ("-" or NULL = standard input; gzip is recognised) for
 * reading claims.  `opts` NULL = defaults.  Returns NULL and fills `err`
 * (X12_ERR_IO, X12_ERR_NOMEM) on failure.  Free with x12_claims_json_free(). */
X12_API x12_claims_json_reader *x12_claims_json_open(const char *path,
                                                     const x12_claims_json_options *opts,
                                                     x12_error *err);

/* Reads claims from a stdio stream the caller keeps open (and closes after
 * x12_claims_json_free()).  Returns NULL when memory runs out. */
X12_API x12_claims_json_reader *x12_claims_json_open_stream(FILE *f,
                                                            const x12_claims_json_options *opts);

/* Reads the next claim into `arena` (reset it between claims to keep memory
 * bounded).  The previous item's pointers are invalid from this call on.
 *   X12_OK            item->claim is the next claim, or NULL at the end;
 *   a data error      that element is bad: `err` names its line, byte, path
 *                     and the problem; call again for the next element.
 *                     X12_ERR_ENCODING (not JSON, not an object, truncated),
 *                     X12_ERR_LIMIT, X12_ERR_CLAIM_VALUE (unknown field, wrong
 *                     JSON type, bad amount), X12_ERR_CLAIM_REQUIRED,
 *                     X12_ERR_CLAIM_COUNT, and the X12_ERR_CLAIM_* codes of
 *                     x12_claim_check() (X12_ERR_CLAIM_TOTAL, _NPI, _CODE, ...);
 *   X12_ERR_IO, X12_ERR_GZIP, X12_ERR_NOMEM
 *                     fatal: reading stops (later calls return the same).
 * Amounts are read from their decimal text, as strings ("123.45") or JSON
 * numbers (123.45), never through floating point. */
X12_API x12_status x12_claims_json_next(x12_claims_json_reader *r, x12_arena *arena,
                                        x12_claims_json_item *item, x12_json_error *err);

/* Frees the reader (closing a file it opened); NULL is a no-op. */
X12_API void x12_claims_json_free(x12_claims_json_reader *r);

/* Parses one claim object given as text (the same rules as the reader;
 * paths start "$[0]"); `opts` NULL = defaults.  Returns as x12_claims_json_next(); X12_OK with
 * item->claim NULL when the text holds no object.  Anything but white space after the object
 * (a second claim too) is an X12_ERR_ENCODING error at "$[1]", and item->claim is NULL. */
X12_API x12_status x12_claim_from_json(const char *text, size_t len,
                                       const x12_claims_json_options *opts, x12_arena *arena,
                                       x12_claims_json_item *item, x12_json_error *err);

/* Turns a field path of the claim model, as x12_claim_problem.path gives it
 * ("lines[1].charge_cents"), into the JSON field path ("lines[1].charge").
 * Writes at most cap bytes including the NUL; returns the length written. */
X12_API int x12_claim_json_path(const char *model_path, char *out, size_t cap);

/* --- Claims out ----------------------------------------------------------- */

/* Writes `claim` as one JSON object on one line (NDJSON) through `out`, in
 * the schema the reader takes: amounts as strings with two decimals
 * ("123.40"), absent fields left out.  `submitter` and `receiver` may be
 * NULL.  Returns X12_OK, X12_ERR_NOMEM or X12_ERR_IO (out failed); `err`
 * may be NULL. */
X12_API x12_status x12_claim_json_write(const x12_claim *claim, const x12_claim_party *submitter,
                                        const x12_claim_party *receiver, x12_write_fn out,
                                        void *ctx, x12_error *err);

#ifdef __cplusplus
}
#endif
#endif
