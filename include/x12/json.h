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

#include "common.h"
#include "error.h"
#include "export.h"

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

#ifdef __cplusplus
}
#endif
#endif
