/* -o OUT for the single commands: a plain file, or, when OUT ends in ".gz",
 * a stdio stream that gzip-compresses what is written to it (through the
 * library's x12_gzip_out), so that every command writes through one FILE *
 * either way.  The gzip trailer is written, and every failure reported, by
 * fclose(). */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <x12/writer.h>

#include "cli.h"

typedef struct gz_file {
    FILE *f;          /* the file on disk */
    x12_gzip_out *gz; /* compressing into it */
    int failed;
} gz_file;

static int to_file(void *ctx, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, ctx) == len ? 0 : -1;
}

static ssize_t gz_write(void *cookie, const char *buf, size_t n)
{
    gz_file *g = cookie;
    if (g->failed || x12_gzip_out_write(g->gz, buf, n) < 0) {
        g->failed = 1;
        errno = EIO;
        return -1;
    }
    return (ssize_t)n;
}

static int gz_close(void *cookie)
{
    gz_file *g = cookie;
    int bad = g->failed || x12_gzip_out_finish(g->gz) != X12_OK;
    x12_gzip_out_free(g->gz);
    bad |= fclose(g->f) != 0;
    free(g);
    return bad ? -1 : 0;
}

int cli_gz_name(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 3 && !strcmp(path + n - 3, ".gz");
}

FILE *cli_open_out(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f || !cli_gz_name(path))
        return f;
    gz_file *g = calloc(1, sizeof *g);
    if (g) {
        g->f = f;
        g->gz = x12_gzip_out_new(6, to_file, f, NULL);
    }
    cookie_io_functions_t io = {NULL, gz_write, NULL, gz_close};
    FILE *out = g && g->gz ? fopencookie(g, "w", io) : NULL;
    if (!out) {
        if (g)
            x12_gzip_out_free(g->gz);
        free(g);
        fclose(f);
        errno = ENOMEM;
    }
    return out;
}
