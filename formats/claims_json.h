/* Private: claims <-> jansson values, for claims_json.c and its tests. */
#ifndef X12_CLAIMS_JSON_PRIVATE_H
#define X12_CLAIMS_JSON_PRIVATE_H

#include <jansson.h>

#include "x12/claim.h"
#include "x12/json.h"

/* The JSON Schema (draft 2020-12) of the claim objects, generated from the
 * same field tables as the mapping.  New reference. */
json_t *claims_json_schema(void);

#endif
