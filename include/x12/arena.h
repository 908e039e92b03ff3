/* x12kit arena: many small allocations freed in one call.
 *
 * Claims (claim.h) and remittance claims (remit.h) live in an arena: every
 * string and array of one document is carved from a few large blocks, and
 * x12_arena_free() (or x12_arena_reset() to reuse the blocks for the next
 * claim) releases them all at once.  Blocks come from the arena's allocator. */
#ifndef X12_ARENA_H
#define X12_ARENA_H

#include <stddef.h>

#include "common.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct x12_arena x12_arena;

/* Creates an empty arena; `alloc` NULL means libc.  Returns NULL when memory
 * runs out. */
X12_API x12_arena *x12_arena_new(const x12_allocator *alloc);

/* Returns `size` bytes aligned for any type, zero-filled, or NULL when memory
 * runs out (the arena stays usable).  Valid until reset or free. */
X12_API void *x12_arena_alloc(x12_arena *a, size_t size);

/* Copies `len` bytes and a terminating NUL; NULL when memory runs out.
 * `s` may be NULL when `len` is 0. */
X12_API char *x12_arena_strndup(x12_arena *a, const char *s, size_t len);

/* Copies a NUL-terminated string (NULL gives NULL). */
X12_API char *x12_arena_strdup(x12_arena *a, const char *s);

/* Copies a slice as a NUL-terminated string. */
X12_API char *x12_arena_slice(x12_arena *a, x12_slice s);

/* Forgets every allocation but keeps the first block for reuse. */
X12_API void x12_arena_reset(x12_arena *a);

/* Bytes handed out since creation or the last reset. */
X12_API size_t x12_arena_used(const x12_arena *a);

/* Frees the arena and everything allocated from it; NULL is a no-op. */
X12_API void x12_arena_free(x12_arena *a);

#ifdef __cplusplus
}
#endif
#endif
