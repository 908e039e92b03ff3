/* Private: claims <-> jansson values, for claims_json.c and its tests. */
#ifndef X12_CLAIMS_JSON_PRIVATE_H
#define X12_CLAIMS_JSON_PRIVATE_H

#include <jansson.h>

#include "x12/claim.h"
#include "x12/json.h"

/* A new object for the claim (and submitter/receiver, each may be NULL), or
 * NULL when memory runs out. */
json_t *claims_json_to_value(const x12_claim *claim, const x12_claim_party *submitter,
                             const x12_claim_party *receiver);

/* The JSON Schema (draft 2020-12) of the claim objects, generated from the
 * same field tables as the mapping.  New reference. */
json_t *claims_json_schema(void);

#endif
