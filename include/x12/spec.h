/* x12kit implementation-guide specs.
 *
 * A spec describes one implementation guide (TR3): its loops, segments,
 * elements, code lists and rules, as XML in the format of docs/specs.md.  The
 * guides in specs/ are built into the library; x12_spec_load_builtin() finds
 * them by guide id.  A loaded spec is read-only and may be shared by any
 * number of walkers. */
#ifndef X12_SPEC_H
#define X12_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12_spec x12_spec;

/* Loads the built-in guide `guide_id` ("005010X222A1").  Returns NULL with
 * err->code X12_ERR_USAGE when there is no such guide, X12_ERR_NOMEM, or
 * X12_ERR_SPEC when the embedded XML is broken.  Free with x12_spec_free(). */
X12_API x12_spec *x12_spec_load_builtin(const char *guide_id, x12_error *err);

/* Loads a guide from a file or from memory (`name` is used in messages).
 * Errors as above, X12_ERR_IO for a file that cannot be read; err->detail
 * names the problem and err->byte_offset holds the XML line. */
X12_API x12_spec *x12_spec_load_file(const char *path, x12_error *err);
X12_API x12_spec *x12_spec_load_memory(const void *xml, size_t len, const char *name,
                                       x12_error *err);

/* The built-in guide ids, NULL-terminated ("005010X221A1", ...). */
X12_API const char *const *x12_spec_builtin_ids(void);

/* The guide id that selects this spec, ST01 of its transaction and its name. */
X12_API const char *x12_spec_guide_id(const x12_spec *s);
X12_API const char *x12_spec_transaction(const x12_spec *s);
X12_API const char *x12_spec_name(const x12_spec *s);

/* Counts of what the spec holds (for tests and tools). */
typedef struct x12_spec_stats {
    uint32_t loops, segments, elements, rules;
} x12_spec_stats;
X12_API void x12_spec_get_stats(const x12_spec *s, x12_spec_stats *out);

/* One situational rule of a spec (docs/specs.md "Rules"), as listed by
 * x12_spec_rule_at(): the guide's own rules in their order, then those of
 * each overlay applied.  The strings live as long as the spec. */
typedef struct x12_spec_rule_info {
    const char *id;       /* "837p.icd9-before-2015-10-01" */
    const char *scope;    /* the loop it is evaluated in ("2300", "ST"), or "*" */
    const char *segment;  /* the segment a segment-scoped rule reads ("SV1"), else "" */
    unsigned severity;    /* an x12_severity (walk.h): 0 error, 1 warning, 2 info */
    unsigned snip;        /* the SNIP type of its findings: 4, 5, 7 (an overlay's) */
    const char *ik3, *ik4; /* the 999 IK304 / IK403 code its findings carry, "" none */
    const char *message;  /* what its finding says */
    const char *source;   /* where the rule comes from (its src=), "" when not given */
} x12_spec_rule_info;

/* How many rules `s` has. */
X12_API size_t x12_spec_rule_count(const x12_spec *s);

/* Rule `i` (0 ... count - 1) of `s` in `*out`; X12_ERR_USAGE past the end. */
X12_API x12_status x12_spec_rule_at(const x12_spec *s, size_t i, x12_spec_rule_info *out);

/* Applies a companion-guide overlay (docs/specs.md "Overlays") to `s`.  An
 * overlay only narrows the guide; one that widens it, names a loop, segment
 * or element the guide lacks, or is for another guide gives X12_ERR_SPEC with
 * err->detail saying what and err->byte_offset the XML line; X12_ERR_NOMEM
 * when memory runs out.  After an error `s` may be partly changed: free it. */
X12_API x12_status x12_spec_apply_overlay(x12_spec *s, const char *path, x12_error *err);

/* The same from an overlay held in memory (`len` bytes of XML); `name` (may
 * be NULL) names it in errors and in x12_spec_overlays(). */
X12_API x12_status x12_spec_apply_overlay_memory(x12_spec *s, const void *xml, size_t len,
                                                 const char *name, x12_error *err);

/* Loads the built-in guide an overlay names (its guide= attribute) and applies
 * the overlay.  NULL on error, as above. */
X12_API x12_spec *x12_spec_load_overlaid(const char *path, x12_error *err);

/* The same from an overlay held in memory (`len` bytes of XML); `name` (may
 * be NULL) names it in errors and in x12_spec_overlays(). */
X12_API x12_spec *x12_spec_load_overlaid_memory(const void *xml, size_t len, const char *name,
                                                x12_error *err);

/* The ids of the overlays applied, space-separated ("" when none). */
X12_API const char *x12_spec_overlays(const x12_spec *s);

/* Frees the spec; NULL is a harmless no-op. */
X12_API void x12_spec_free(x12_spec *s);

#ifdef __cplusplus
}
#endif
#endif
