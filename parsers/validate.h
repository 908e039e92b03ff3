/* Element validation used by the walker (parsers/validate.c). */
#ifndef X12_VALIDATE_H
#define X12_VALIDATE_H

#include "spec_model.h"
#include "x12/reader.h"

typedef void (*elem_report_fn)(void *ctx, const x12_segment *seg, x12_status code, const char *ik4,
                               uint16_t element, uint16_t component, uint16_t repetition,
                               const char *loop_id, const char *detail, int flags);

#define VF_WARNING 1 /* report as a warning (unverified spec part, incomplete code list) */
#define VF_SNIP5 2   /* an external code set check */
#define VF_SNIP7 4   /* the check comes from a companion-guide overlay */
#define VF_SNIP1 8   /* X12 syntax whatever the check (the envelope's elements) */

/* 1 when p[0..n) is a valid NPI: 10 digits, first 1 or 2, Luhn check digit
 * over 80840 and the first nine. */
int x12__npi_valid(const char *p, size_t n);

/* Checks every element of `seg` against `def`; returns the number of findings. */
int x12__validate_elements(const x12_segment *seg, const spec_seg *def, const char *loop_id,
                           elem_report_fn report, void *ctx);


#endif
