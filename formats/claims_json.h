/* Private: claims <-> jansson values, for claims_json.c and its tests. */
#ifndef X12_CLAIMS_JSON_PRIVATE_H
#define X12_CLAIMS_JSON_PRIVATE_H

#include <jansson.h>

#include "x12/claim.h"
#include "x12/json.h"

/* Fills `item` from object `v` (numbers as kept by json_stream), allocating
 * in `arena`.  `index` names the element in paths ("$[index]...").  Returns
 * `refuse` (may be NULL) lists bytes refused in strings.  Returns
 * X12_OK, X12_ERR_NOMEM, or a data error with `err` filled (path, message;
 * the caller adds line and offset). */
x12_status claims_json_from_value(const json_t *v, uint64_t index, x12_arena *arena,
                                  const char *refuse, x12_claims_json_item *item,
                                  x12_json_error *err);

/* A new object for the claim (and submitter/receiver, each may be NULL), or
 * NULL when memory runs out. */
json_t *claims_json_to_value(const x12_claim *claim, const x12_claim_party *submitter,
                             const x12_claim_party *receiver);

/* The JSON Schema (draft 2020-12) of the claim objects, generated from the
 * same field tables as the mapping.  New reference. */
json_t *claims_json_schema(void);

#endif
