/* Input sources for the reader: a file or standard input, inflated on the fly
 * when it starts with the gzip magic bytes.  Memory is two fixed buffers;
 * nothing depends on the size of the input. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "internal.h"
#include "x12/reader.h"

#define RAW_CAP (64 * 1024)

struct x12_input {
    const x12_allocator *a;
    int fd;
    int own_fd;
    int gzip;    /* -1 unknown yet, 0 plain, 1 gzip */
    int eof;     /* the raw source is exhausted */
    int zdone;   /* the last gzip member ended */
    uint64_t out_off;
    uint64_t raw_total; /* bytes read from the source */
    z_stream z;
    int z_init;
    unsigned char raw[RAW_CAP];
    size_t raw_len, raw_pos;
};

static void set_err(x12_error *err, x12_status code, const char *detail, uint64_t off)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->code = code;
    err->msg = x12_status_message(code);
    err->byte_offset = off;
    if (detail)
        snprintf(err->detail, sizeof err->detail, "%s", detail);
}

static void *z_alloc(void *opaque, unsigned items, unsigned size)
{
    const x12_allocator *a = opaque;
    if (size && items > SIZE_MAX / size)
        return NULL;
    return x12__alloc(a, (size_t)items * size);
}

static void z_free(void *opaque, void *p)
{
    x12__free((const x12_allocator *)opaque, p);
}

x12_input *x12_input_open(const char *path, const x12_allocator *alloc, x12_error *err)
{
    x12_input *in = x12__alloc(alloc, sizeof *in);
    if (!in) {
        set_err(err, X12_ERR_NOMEM, NULL, 0);
        return NULL;
    }
    memset(in, 0, sizeof *in);
    in->a = alloc;
    in->gzip = -1;
    if (!path || strcmp(path, "-") == 0) {
        in->fd = 0;
    } else {
        in->fd = open(path, O_RDONLY);
        if (in->fd < 0) {
            set_err(err, X12_ERR_IO, strerror(errno), 0);
            x12__free(alloc, in);
            return NULL;
        }
        /* a folder opens, and then fails at its first read: say what it is */
        struct stat st;
        if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
            set_err(err, X12_ERR_IO, "a folder, not a file", 0);
            close(in->fd);
            x12__free(alloc, in);
            return NULL;
        }
        in->own_fd = 1;
    }
    return in;
}

void x12_input_close(x12_input *in)
{
    if (!in)
        return;
    if (in->z_init)
        inflateEnd(&in->z);
    if (in->own_fd)
        close(in->fd);
    x12__free(in->a, in);
}

int x12_input_is_gzip(const x12_input *in)
{
    return in && in->gzip == 1;
}

uint64_t x12_input_raw_bytes(const x12_input *in)
{
    return in ? in->raw_total : 0;
}

/* Refills the raw buffer; returns 0, or -1 with errno set. */
static int refill(x12_input *in)
{
    if (in->raw_pos < in->raw_len || in->eof)
        return 0;
    for (;;) {
        ssize_t n = read(in->fd, in->raw, RAW_CAP);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        in->raw_len = (size_t)n;
        in->raw_pos = 0;
        in->raw_total += (uint64_t)n;
        if (n == 0)
            in->eof = 1;
        return 0;
    }
}

x12_status x12_input_read(x12_input *in, void *buf, size_t cap, size_t *got, x12_error *err)
{
    *got = 0;
    if (!in || (!buf && cap))
        return X12_ERR_USAGE;
    if (cap == 0)
        return X12_OK;
    if (in->gzip == 0 && in->raw_pos == in->raw_len && !in->eof) {
        /* plain input with nothing buffered: straight into the caller's
         * buffer, not through raw[] (one copy of every byte, not two) */
        for (;;) {
            ssize_t n = read(in->fd, buf, cap);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                set_err(err, X12_ERR_IO, strerror(errno), in->out_off);
                return X12_ERR_IO;
            }
            if (n == 0)
                in->eof = 1;
            in->raw_total += (uint64_t)n;
            in->out_off += (uint64_t)n;
            *got = (size_t)n;
            return X12_OK;
        }
    }
    if (refill(in) < 0) {
        set_err(err, X12_ERR_IO, strerror(errno), in->out_off);
        return X12_ERR_IO;
    }
    if (in->gzip < 0) {
        /* Decide on the first two bytes; a one-byte file is plain. */
        while (in->raw_len - in->raw_pos < 2 && !in->eof) {
            /* short first read (a pipe): gather at least two bytes */
            size_t have = in->raw_len - in->raw_pos;
            memmove(in->raw, in->raw + in->raw_pos, have);
            in->raw_pos = 0;
            in->raw_len = have;
            ssize_t n = read(in->fd, in->raw + have, RAW_CAP - have);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0) {
                set_err(err, X12_ERR_IO, strerror(errno), 0);
                return X12_ERR_IO;
            }
            if (n == 0)
                in->eof = 1;
            in->raw_len += (size_t)n;
            in->raw_total += (uint64_t)n;
        }
        in->gzip = in->raw_len - in->raw_pos >= 2 && in->raw[in->raw_pos] == 0x1f &&
                   in->raw[in->raw_pos + 1] == 0x8b;
        if (in->gzip) {
            in->z.zalloc = z_alloc;
            in->z.zfree = z_free;
            in->z.opaque = (void *)in->a;
            if (inflateInit2(&in->z, 15 + 16) != Z_OK) {
                set_err(err, X12_ERR_NOMEM, NULL, 0);
                return X12_ERR_NOMEM;
            }
            in->z_init = 1;
        }
    }
    if (!in->gzip) {
        size_t n = in->raw_len - in->raw_pos;
        if (n > cap)
            n = cap;
        memcpy(buf, in->raw + in->raw_pos, n);
        in->raw_pos += n;
        in->out_off += n;
        *got = n;
        return X12_OK;
    }
    /* gzip: inflate until some output is produced or the input ends */
    while (*got == 0) {
        if (in->zdone) {
            /* another member may follow (concatenated gzip files) */
            if (refill(in) < 0) {
                set_err(err, X12_ERR_IO, strerror(errno), in->out_off);
                return X12_ERR_IO;
            }
            if (in->raw_pos == in->raw_len)
                return X12_OK; /* clean end */
            /* zero bytes after the last member (padding added in transfer,
             * as a tape or a block-padded upload leaves it): skipped, as
             * gzip -d does; anything after them is an error */
            if (in->raw[in->raw_pos] == 0) {
                for (;;) {
                    while (in->raw_pos < in->raw_len && in->raw[in->raw_pos] == 0)
                        in->raw_pos++;
                    if (in->raw_pos < in->raw_len) {
                        set_err(err, X12_ERR_GZIP, "data after the zero padding that ends the gzip stream",
                                in->out_off);
                        return X12_ERR_GZIP;
                    }
                    if (refill(in) < 0) {
                        set_err(err, X12_ERR_IO, strerror(errno), in->out_off);
                        return X12_ERR_IO;
                    }
                    if (in->raw_pos == in->raw_len)
                        return X12_OK; /* only zeros to the end */
                }
            }
            if (inflateReset(&in->z) != Z_OK) {
                set_err(err, X12_ERR_GZIP, "cannot restart inflate", in->out_off);
                return X12_ERR_GZIP;
            }
            in->zdone = 0;
        }
        if (refill(in) < 0) {
            set_err(err, X12_ERR_IO, strerror(errno), in->out_off);
            return X12_ERR_IO;
        }
        if (in->raw_pos == in->raw_len && in->eof) {
            set_err(err, X12_ERR_GZIP, "gzip stream ends early (truncated file)", in->out_off);
            return X12_ERR_GZIP;
        }
        in->z.next_in = in->raw + in->raw_pos;
        in->z.avail_in = (uInt)(in->raw_len - in->raw_pos);
        in->z.next_out = buf;
        in->z.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
        int rc = inflate(&in->z, Z_NO_FLUSH);
        in->raw_pos = in->raw_len - in->z.avail_in;
        *got = (size_t)((unsigned char *)in->z.next_out - (unsigned char *)buf);
        in->out_off += *got;
        if (rc == Z_STREAM_END) {
            in->zdone = 1;
        } else if (rc == Z_MEM_ERROR) {
            set_err(err, X12_ERR_NOMEM, NULL, in->out_off);
            return X12_ERR_NOMEM;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            set_err(err, X12_ERR_GZIP, in->z.msg ? in->z.msg : "corrupt gzip data", in->out_off);
            return X12_ERR_GZIP;
        }
        if (*got == 0 && in->zdone)
            continue;
    }
    return X12_OK;
}

x12_status x12_read_file(const char *path, const x12_reader_options *opts,
                         const x12_reader_callbacks *cb, void *ctx)
{
    x12_error err;
    const x12_allocator *a = opts ? opts->alloc : NULL;
    x12_input *in = x12_input_open(path, a, &err);
    if (!in) {
        if (cb && cb->error)
            cb->error(ctx, &err);
        return err.code;
    }
    x12_reader *r = x12_reader_new(opts, cb, ctx);
    unsigned char *buf = x12__alloc(a, RAW_CAP);
    if (!r || !buf) {
        x12_reader_free(r);
        x12__free(a, buf);
        x12_input_close(in);
        return X12_ERR_NOMEM;
    }
    x12_status st = X12_OK;
    for (;;) {
        size_t got;
        x12_status rs = x12_input_read(in, buf, RAW_CAP, &got, &err);
        if (rs != X12_OK) {
            /* What was read so far has been fed; close the reader so that
             * open envelopes are reported too, then report the I/O error. */
            x12_reader_finish(r);
            if (cb && cb->error)
                cb->error(ctx, &err);
            st = rs;
            break;
        }
        if (got == 0) {
            st = x12_reader_finish(r);
            break;
        }
        /* limits on what the input may turn into (docs/reader.md "Limits") */
        x12_reader_stats sofar;
        x12_reader_get_stats(r, &sofar);
        uint64_t done = sofar.bytes + got;
        const char *why = NULL;
        if (opts && opts->max_input_bytes && done > opts->max_input_bytes)
            why = "input longer than max_input_bytes; reading stopped";
        else if (opts && opts->max_gzip_ratio && x12_input_is_gzip(in) && done > (1u << 20) &&
                 done / (x12_input_raw_bytes(in) ? x12_input_raw_bytes(in) : 1) > opts->max_gzip_ratio)
            why = "gzip inflates more than max_gzip_ratio times (a decompression bomb?); reading stopped";
        if (why) {
            x12_reader_finish(r);
            memset(&err, 0, sizeof err);
            err.code = X12_ERR_LIMIT;
            err.msg = x12_status_message(X12_ERR_LIMIT);
            err.byte_offset = sofar.bytes;
            snprintf(err.detail, sizeof err.detail, "%s", why);
            if (cb && cb->error)
                cb->error(ctx, &err);
            st = X12_ERR_LIMIT;
            break;
        }
        st = x12_reader_feed(r, buf, got);
        if (st != X12_OK)
            break;
    }
    x12_reader_free(r);
    x12__free(a, buf);
    x12_input_close(in);
    return st;
}
