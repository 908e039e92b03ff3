/* Private helpers of the claim writer: deep copies into an arena (each
 * returns 0, or -1 when the arena runs out of memory) and the guide tables
 * shared with the 837 reader. */
#ifndef X12_WRITERS_CLAIM_UTIL_H
#define X12_WRITERS_CLAIM_UTIL_H

#include <x12/claim.h>

int claim_copy_party(x12_arena *a, x12_claim_party *d, const x12_claim_party *s);
int claim_copy_billing(x12_arena *a, x12_claim_billing *d, const x12_claim_billing *s);
int claim_copy_subscriber(x12_arena *a, x12_claim_subscriber *d, const x12_claim_subscriber *s);
int claim_copy_patient(x12_arena *a, x12_claim_patient *d, const x12_claim_patient *s);
int claim_copy_header(x12_arena *a, x12_claim_header *d, const x12_claim_header *s);

/* A text field holds a value: something besides spaces.  Spaces at the end
 * of a value are not written (X12 leaves them out unless a minimum length
 * needs them; no claim field is padded so), so a field of spaces alone is
 * missing. */
static inline int claim_has_text(const char *s)
{
    if (!s)
        return 0;
    while (*s == ' ')
        s++;
    return *s != 0;
}

/* Checks every text field of a claim against the output's delimiters and
 * character set; returns 1 and the first bad field's path, or 0. */
int claim_text_check(const x12_claim *cl, const x12_writer_options *o, char *path, size_t cap);

#endif
