/* Private: what the claims JSON tests reach past the public header for. */
#ifndef X12_CLAIMS_JSON_PRIVATE_H
#define X12_CLAIMS_JSON_PRIVATE_H

#include "claims_fields.h"
#include "x12/json.h"

#endif
