/* -o OUT for the single commands: a plain file, or, when OUT ends in ".gz",
 * a stdio stream that gzip-compresses what is written to it (through the
 * library's x12_gzip_out), so that every command writes through one FILE *
 * either way.  The gzip trailer is written, and every failure reported, when
 * the stream is closed.
 *
 * OUT appears whole or not at all: the output goes to a temporary file
 * beside it (".OUT.XXXXXX", in the same folder, so the rename cannot cross
 * file systems), which cli_close_out() syncs and renames onto OUT when the
 * command keeps its output, and removes when it does not (nothing could be
 * read, the output is not complete).  A previous OUT is left as it was until
 * then, and a command stopped by a signal (Ctrl-C, kill) removes its
 * temporary file and leaves OUT alone.  (kill -9 leaves the temporary file,
 * never a half-written OUT.)  OUT that is no regular file (/dev/stdout, a
 * FIFO) is written directly, as is OUT in a folder the user may not create
 * files in, which only an existing OUT can be. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

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

/* The -o being written (one a process): its name, the temporary file when
 * there is one, and the stream the command writes to. */
static struct {
    char final[PATH_MAX];
    FILE *stream;
    int tmp; /* tmp_name holds the temporary file */
    int gz;  /* stream compresses into it (and syncs it when closed) */
} out_now;
/* read by the signal handler: a fixed buffer, set before the handler is */
static char tmp_name[PATH_MAX + 16];
static volatile sig_atomic_t tmp_live;

static void on_signal(int sig)
{
    if (tmp_live)
        unlink(tmp_name); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Writes the file's bytes to the disk before it is renamed onto OUT, so
 * that a crash after the rename cannot leave OUT empty. */
static int sync_out(FILE *f)
{
    if (fflush(f) != 0)
        return -1;
    return out_now.tmp && fsync(fileno(f)) != 0 ? -1 : 0;
}

static int gz_close(void *cookie)
{
    gz_file *g = cookie;
    int bad = g->failed || x12_gzip_out_finish(g->gz) != X12_OK;
    x12_gzip_out_free(g->gz);
    bad |= sync_out(g->f) != 0;
    bad |= fclose(g->f) != 0;
    free(g);
    return bad ? -1 : 0;
}

int cli_gz_name(const char *path)
{
    size_t n = path ? strlen(path) : 0;
    return n > 3 && !strcmp(path + n - 3, ".gz");
}

/* Opens the temporary file beside `final` with the mode OUT would get: an
 * existing OUT's, else what the umask leaves of 0666, as fopen() gives. */
static FILE *open_tmp(const char *final, const struct stat *old)
{
    const char *slash = strrchr(final, '/');
    size_t dir = slash ? (size_t)(slash - final) + 1 : 0;
    if (snprintf(tmp_name, sizeof tmp_name, "%.*s.%s.XXXXXX", (int)dir, final,
                 final + dir) >= (int)sizeof tmp_name) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    int fd = mkstemp(tmp_name);
    if (fd < 0)
        return NULL;
    mode_t mode;
    if (old) {
        mode = old->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    FILE *f = fchmod(fd, mode) == 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp_name);
        errno = e;
        return NULL;
    }
    tmp_live = 1;
    static const int SIGS[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof SIGS / sizeof SIGS[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        struct sigaction was;
        /* a signal the shell ignores (nohup, &) stays ignored */
        if (sigaction(SIGS[i], NULL, &was) == 0 && was.sa_handler != SIG_IGN)
            sigaction(SIGS[i], &sa, NULL);
    }
    return f;
}

/* The file OUT names: itself, or what its symbolic link points to (the
 * link stays a link).  0 with `direct` set when OUT is to be written in
 * place: it is no regular file, or a link that leads nowhere. */
static int resolve(const char *path, int *direct)
{
    struct stat st;
    *direct = 0;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        char *real = realpath(path, NULL);
        if (!real || strlen(real) >= sizeof out_now.final) {
            free(real);
            *direct = 1;
            return 0;
        }
        strcpy(out_now.final, real);
        free(real);
    } else if (strlen(path) < sizeof out_now.final) {
        strcpy(out_now.final, path);
    } else {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (stat(out_now.final, &st) == 0 && !S_ISREG(st.st_mode))
        *direct = 1;
    return 0;
}

static FILE *gz_wrap(FILE *f);

FILE *cli_open_out(const char *path)
{
    FILE *f = NULL;
    int direct;
    if (out_now.stream || resolve(path, &direct) < 0)
        return NULL; /* (one -o a process) */
    out_now.tmp = 0;
    if (!direct) {
        struct stat old;
        int had = stat(out_now.final, &old) == 0;
        f = open_tmp(out_now.final, had ? &old : NULL);
        if (f)
            out_now.tmp = 1;
        else if (errno != EACCES || !had)
            return NULL;
    }
    if (!f)
        f = fopen(path, "wb");
    out_now.gz = cli_gz_name(path);
    if (f && out_now.gz)
        f = gz_wrap(f);
    out_now.stream = f;
    if (!f && out_now.tmp) {
        tmp_live = 0;
        unlink(tmp_name);
        out_now.tmp = 0;
    }
    return f;
}

int cli_close_out(FILE *f, int keep)
{
    if (!f)
        return 0;
    int bad = 0;
    if (f != out_now.stream) { /* not one cli_open_out() gave */
        return fclose(f);
    }
    out_now.stream = NULL;
    /* a gzip stream syncs its file in gz_close() */
    if (keep && !out_now.gz)
        bad |= sync_out(f) != 0;
    int e = 0;
    if (fclose(f) != 0)
        bad = 1;
    if (bad)
        e = errno;
    if (out_now.tmp) {
        if (keep && !bad && rename(tmp_name, out_now.final) != 0) {
            bad = 1;
            e = errno;
        }
        if (!keep || bad)
            unlink(tmp_name);
        tmp_live = 0;
        out_now.tmp = 0;
    }
    if (bad)
        errno = e ? e : EIO;
    return bad ? -1 : 0;
}

/* Wraps `f` in a stream that gzip-compresses into it (closing it too). */
static FILE *gz_wrap(FILE *f)
{
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
