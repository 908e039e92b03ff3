/* gzip output: a write function that compresses what it is given (zlib,
 * RFC 1952 framing) and hands the compressed bytes on to another write
 * function.  Memory: one zlib stream and one output block. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <zlib.h>

#include "internal.h"
#include "x12/writer.h"

#define GZ_BLOCK (64u * 1024u)

struct x12_gzip_out {
    z_stream z;
    x12_write_fn out;
    void *ctx;
    const x12_allocator *a;
    x12_status failed; /* X12_OK, or what stopped it */
    int finished;
    uint64_t in_bytes, out_bytes;
    unsigned char block[GZ_BLOCK];
};

static void *gz_alloc(void *opaque, unsigned items, unsigned size)
{
    if (size && items > SIZE_MAX / size)
        return NULL;
    return x12__alloc(opaque, (size_t)items * size);
}

static void gz_free(void *opaque, void *p)
{
    x12__free(opaque, p);
}

x12_gzip_out *x12_gzip_out_new(int level, x12_write_fn out, void *ctx, const x12_allocator *alloc)
{
    if (!out || level < -1 || level > 9)
        return NULL;
    x12_gzip_out *g = x12__alloc(alloc, sizeof *g);
    if (!g)
        return NULL;
    memset(g, 0, offsetof(x12_gzip_out, block));
    g->out = out;
    g->ctx = ctx;
    g->a = alloc;
    g->z.zalloc = gz_alloc;
    g->z.zfree = gz_free;
    g->z.opaque = (void *)alloc;
    /* 15 + 16: a 32 KiB window with the gzip header and trailer; memLevel 8
     * is zlib's default */
    if (deflateInit2(&g->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        x12__free(alloc, g);
        return NULL;
    }
    return g;
}

/* Runs deflate over what is pending with `flush`, sending each full block
 * (and, at Z_FINISH, the last part) on.  0, or -1 with g->failed set. */
static int pump(x12_gzip_out *g, int flush)
{
    for (;;) {
        g->z.next_out = g->block;
        g->z.avail_out = GZ_BLOCK;
        int rc = deflate(&g->z, flush);
        if (rc == Z_STREAM_ERROR) {
            g->failed = X12_ERR_USAGE; /* cannot happen with a stream set up here */
            return -1;
        }
        size_t have = GZ_BLOCK - g->z.avail_out;
        if (have) {
            if (g->out(g->ctx, g->block, have) != 0) {
                g->failed = X12_ERR_IO;
                return -1;
            }
            g->out_bytes += have;
        }
        /* a block left room: deflate took all it was given (and, at
         * Z_FINISH, wrote the trailer: rc is Z_STREAM_END) */
        if (g->z.avail_out != 0 && (flush != Z_FINISH || rc == Z_STREAM_END))
            return 0;
    }
}

int x12_gzip_out_write(void *ctx, const void *buf, size_t len)
{
    x12_gzip_out *g = ctx;
    if (g->failed || g->finished)
        return -1;
    const unsigned char *p = buf;
    while (len) {
        /* avail_in is an unsigned int: feed at most 1 GiB at a time */
        unsigned n = len > (1u << 30) ? 1u << 30 : (unsigned)len;
        g->z.next_in = (unsigned char *)(uintptr_t)p;
        g->z.avail_in = n;
        if (pump(g, Z_NO_FLUSH) != 0)
            return -1;
        g->in_bytes += n;
        p += n;
        len -= n;
    }
    return 0;
}

x12_status x12_gzip_out_finish(x12_gzip_out *g)
{
    if (g->failed)
        return g->failed;
    if (g->finished)
        return X12_OK;
    g->z.next_in = NULL;
    g->z.avail_in = 0;
    if (pump(g, Z_FINISH) != 0)
        return g->failed;
    g->finished = 1;
    return X12_OK;
}

void x12_gzip_out_get_stats(const x12_gzip_out *g, uint64_t *in_bytes, uint64_t *out_bytes)
{
    if (in_bytes)
        *in_bytes = g->in_bytes;
    if (out_bytes)
        *out_bytes = g->out_bytes;
}

void x12_gzip_out_free(x12_gzip_out *g)
{
    if (!g)
        return;
    deflateEnd(&g->z);
    x12__free(g->a, g);
}
