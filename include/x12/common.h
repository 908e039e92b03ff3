/* Types shared by every x12kit header: byte slices and allocator hooks. */
#ifndef X12_COMMON_H
#define X12_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A view of bytes owned by someone else.  Not NUL-terminated. */
typedef struct x12_slice {
    const char *ptr;
    size_t len;
} x12_slice;

/* Allocator hooks.  Every creator takes an optional `const x12_allocator *`;
 * NULL means the C library's malloc/realloc/free.  `free` must accept NULL. */
typedef struct x12_allocator {
    void *(*malloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} x12_allocator;

/* Returns 1 when the slice holds exactly the NUL-terminated string `s`. */
X12_API int x12_slice_eq(x12_slice a, const char *s);

/* How many of the n bytes at p, from the start, are well-formed UTF-8 (n
 * when all are).  X12 text is ASCII; where other bytes come, the library's
 * JSON outputs keep UTF-8 as it is and read any other byte as ISO-8859-1
 * (one byte, one character: U+0080-U+00FF), and say so. */
X12_API size_t x12_utf8_prefix(const char *p, size_t n);

/* Library version, "MAJOR.MINOR.PATCH". */
X12_API const char *x12_version(void);

#ifdef __cplusplus
}
#endif
#endif
