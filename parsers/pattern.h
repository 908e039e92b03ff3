/* Whole-value patterns of spec elements (the `pattern` attribute): a POSIX
 * ERE subset compiled into a small program for a Thompson-style matcher, so
 * that matching takes time linear in the value (values come from untrusted
 * files), allocates nothing, and is thread-safe; the compiled form lives in
 * memory the caller allocates (the spec's arena).  The syntax is in
 * docs/specs.md ("Patterns").  Not a public header. */
#ifndef X12_PATTERN_H
#define X12_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define PATTERN_MAX_SOURCE 256 /* bytes of pattern text */
#define PATTERN_MAX_PROGRAM 512 /* instructions once repetitions are spelled out */
#define PATTERN_MAX_COUNT 255   /* m and n of {m,n} */
#define PATTERN_MAX_DEPTH 16    /* nested groups */

typedef struct pattern pattern;

/* Allocates n bytes (aligned for any type) or returns NULL. */
typedef void *(*pattern_alloc_fn)(void *ctx, size_t n);

enum { PATTERN_OK = 0, PATTERN_BAD = -1, PATTERN_NOMEM = -2 };

/* Compiles `src` (NUL-terminated).  PATTERN_BAD writes why (with the byte
 * offset in the pattern) into `why`; PATTERN_NOMEM when alloc failed.  The
 * result is made of alloc'd blocks only; nothing to free but those. */
int pattern_compile(const char *src, pattern_alloc_fn alloc, void *ctx, pattern **out, char *why,
                    size_t whycap);

/* 1 when the whole of v[0..n) matches, else 0.  Any byte may occur in v. */
int pattern_match(const pattern *p, const char *v, size_t n);

/* 1 when `p` is matched by the quick path (steps of one byte each, the last
 * possibly repeated: [0-9]{9}, .{6}S.*), without the position lists. */
int pattern_is_quick(const pattern *p);

#endif
