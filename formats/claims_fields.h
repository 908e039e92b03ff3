/* Private: the field tables of the claims JSON (claims_fields.c), shared by
 * the mapping both ways (claims_json.c) and the JSON Schema generator. */
#ifndef X12_CLAIMS_FIELDS_H
#define X12_CLAIMS_FIELDS_H

#include <stddef.h>

#include <jansson.h>

#include "x12/claim.h"

typedef enum fkind {
    F_STR,        /* const char *: a JSON string */
    F_STRNUM,     /* const char *: a string, or a number kept as its text (units, quantities) */
    F_AMOUNT,     /* int64_t cents, required when its object is given */
    F_OPT_AMOUNT, /* int64_t cents at off, int has_ flag at aux */
    F_STRS,       /* const char *[n]: an array of up to n strings */
    F_POINTERS,   /* uint8_t[4]: diagnosis pointers 1..12 */
    F_FLAG,       /* int: a boolean */
    F_STRUCT,     /* an embedded struct of `sub` */
    F_PTR,        /* a pointer to one struct of `sub`, allocated in the arena */
    F_ARRAY,      /* a pointer to `count` structs of `sub` (count: size_t at aux) */
    F_STRLIST,    /* const char ** with a size_t count at aux: an array of strings */
    F_AMOUNTS,    /* int64_t[n] cents at off, int[n] has_ flags at aux: amounts by
                     position, an array with null for the absent ones */
    F_ROLE,       /* x12_claim_provider_role */
    F_TYPE        /* x12_claim_type */
} fkind;

typedef struct desc desc;

typedef struct field {
    const char *name;
    fkind kind;
    size_t off;
    size_t aux;
    size_t n;
    const desc *sub;
    const char *doc; /* the schema's description: the X12 element it becomes */
    size_t nlen;     /* strlen(name) */
} field;

struct desc {
    const char *name; /* the schema's $defs name */
    size_t size;
    const field *fields;
    size_t nfields;
    unsigned required; /* F_AMOUNT fields (checked by claims_json_schema()) */
};

/* A claim object of the JSON: the claim plus the 1000A/1000B parties. */
typedef struct claim_doc {
    x12_claim claim;
    const x12_claim_party *submitter;
    const x12_claim_party *receiver;
} claim_doc;

/* The claim object's table (every other table hangs from it). */
extern const desc claims_claim_desc;

/* JSON names of x12_claim_provider_role and x12_claim_type, by value. */
#define CLAIMS_NROLES ((size_t)X12_PROVIDER_BILLING + 1)
#define CLAIMS_NTYPES 3
extern const char *const claims_role_names[];
extern const char *const claims_type_names[CLAIMS_NTYPES];

/* The JSON Schema (draft 2020-12) of the claim objects, generated from the
 * tables.  New reference, or NULL when a table is inconsistent. */
json_t *claims_json_schema(void);

#endif
