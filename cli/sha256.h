/* SHA-256 of a byte stream (content hashes for `x12 batch`). */
#ifndef X12_CLI_SHA256_H
#define X12_CLI_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;
    unsigned char buf[64];
    size_t fill;
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char out[32]);
void sha256_hex(const unsigned char digest[32], char out[65]);
/* The CPU's SHA instructions are used when it has them.  For tests: `want`
 * 0 turns them off, 1 on (if the CPU has them), -1 back to the default.
 * Returns 1 when they are in use now. */
int sha256_hardware(int want);

#endif
