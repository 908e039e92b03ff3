/* The control-number counter: a text file holding the last number used,
 * changed under an exclusive lock by writing a temporary file, syncing it and
 * renaming it over the counter.  The lock is taken on "PATH.lock", a file
 * that is never renamed: a lock on the counter itself would be lost by the
 * rename (a waiting process would hold a lock on the old, replaced inode). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "x12/control.h"

static x12_status fail(x12_error *err, x12_status code, const char *what, const char *path,
                       int e)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->code = code;
        err->msg = x12_status_message(code);
        if (e)
            snprintf(err->detail, sizeof err->detail, "%s %.40s: %s", what, path, strerror(e));
        else
            snprintf(err->detail, sizeof err->detail, "%s %.60s", what, path);
    }
    return code;
}

uint32_t x12_control_next(uint32_t first, uint32_t k)
{
    if (first < 1 || first > X12_CONTROL_MAX)
        first = 1;
    uint64_t v = (uint64_t)first - 1 + k;
    return (uint32_t)(v % X12_CONTROL_MAX) + 1;
}

/* Reads the counter: 0 and X12_OK when the file is missing. */
static x12_status read_counter(const char *path, uint32_t *last, x12_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        if (errno == ENOENT) {
            *last = 0;
            return X12_OK;
        }
        return fail(err, X12_ERR_IO, "cannot open", path, errno);
    }
    char buf[32];
    size_t len = 0;
    for (;;) {
        ssize_t got = read(fd, buf + len, sizeof buf - len);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            return fail(err, X12_ERR_IO, "cannot read", path, e);
        }
        if (got == 0)
            break;
        len += (size_t)got;
        if (len == sizeof buf)
            break;
    }
    close(fd);
    /* exactly 1-9 digits and an optional final newline */
    size_t digits = 0;
    while (digits < len && buf[digits] >= '0' && buf[digits] <= '9')
        digits++;
    size_t rest = len - digits;
    if (digits == 0 || digits > 9 || rest > 1 || (rest == 1 && buf[digits] != '\n'))
        return fail(err, X12_ERR_CONTROL_CORRUPT, "not one number 0-999999999 in", path, 0);
    uint32_t v = 0;
    for (size_t i = 0; i < digits; i++)
        v = v * 10 + (uint32_t)(buf[i] - '0');
    *last = v;
    return X12_OK;
}

static x12_status write_counter(const char *path, uint32_t value, x12_error *err)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp)
        return fail(err, X12_ERR_NOMEM, "no memory for", path, 0);
    snprintf(tmp, plen + 32, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        x12_status st = fail(err, X12_ERR_IO, "cannot create", tmp, errno);
        free(tmp);
        return st;
    }
    char line[16];
    int n = snprintf(line, sizeof line, "%09u\n", (unsigned)value);
    /* a short write is retried, so that a failure reports its own reason
     * (a full disk, a size limit) rather than a bare short count */
    int e = 0;
    for (size_t done = 0; done < (size_t)n && !e;) {
        ssize_t put = write(fd, line + done, (size_t)n - done);
        if (put > 0)
            done += (size_t)put;
        else if (put < 0 && errno != EINTR)
            e = errno;
        else if (put == 0)
            e = EIO;
    }
    if (!e && fsync(fd) != 0)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        x12_status st = fail(err, X12_ERR_IO, "cannot write", path, e);
        free(tmp);
        return st;
    }
    free(tmp);
    /* make the rename itself durable */
    char *dir = strdup(path);
    if (dir) {
        char *slash = strrchr(dir, '/');
        const char *d = ".";
        if (slash) {
            slash[slash == dir ? 1 : 0] = '\0';
            d = dir;
        }
        int dfd = open(d, O_RDONLY);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    return X12_OK;
}

/* Opens and locks PATH.lock, waiting up to wait_ms for another holder to let
 * go; returns the descriptor or -1 (err filled).  Holders keep the lock for
 * one read and one write, so a longer wait means a stuck process: an
 * unattended run reports it rather than hang on it. */
static int lock_counter(const char *path, unsigned wait_ms, x12_error *err)
{
    size_t plen = strlen(path);
    char *lk = malloc(plen + 6);
    if (!lk) {
        fail(err, X12_ERR_NOMEM, "no memory for", path, 0);
        return -1;
    }
    memcpy(lk, path, plen);
    memcpy(lk + plen, ".lock", 6);
    int fd = open(lk, O_RDWR | O_CREAT, 0644);
    if (fd < 0) {
        fail(err, X12_ERR_IO, "cannot open", lk, errno);
        free(lk);
        return -1;
    }
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    unsigned waited = 0;
    for (;;) {
        if (fcntl(fd, F_SETLK, &fl) == 0)
            break;
        int e = errno;
        if (e == EINTR)
            continue;
        if ((e != EACCES && e != EAGAIN) || waited >= wait_ms) {
            if (e == EACCES || e == EAGAIN)
                fail(err, X12_ERR_CONTROL_LOCK, "held too long by another process:", lk, 0);
            else
                fail(err, X12_ERR_CONTROL_LOCK, "cannot lock", lk, e);
            close(fd);
            free(lk);
            return -1;
        }
        struct timespec ts = {0, 1000000L}; /* 1 ms: at least wait_ms in all */
        nanosleep(&ts, NULL);
        waited++;
    }
    free(lk);
    return fd;
}

x12_status x12_control_reserve_wait(const char *path, uint32_t n, uint32_t *first,
                                    unsigned wait_ms, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (!path || !path[0] || !first || n < 1 || n > 1000000)
        return fail(err, X12_ERR_USAGE, "bad arguments for the counter", path ? path : "", 0);
    int fd = lock_counter(path, wait_ms, err);
    if (fd < 0)
        return err ? err->code : X12_ERR_IO;
    uint32_t last;
    x12_status st = read_counter(path, &last, err);
    if (st == X12_OK) {
        uint32_t f = x12_control_next(last ? last : X12_CONTROL_MAX, 1);
        st = write_counter(path, x12_control_next(f, n - 1), err);
        if (st == X12_OK)
            *first = f;
    }
    close(fd); /* releases the lock */
    return st;
}

x12_status x12_control_reserve(const char *path, uint32_t n, uint32_t *first, x12_error *err)
{
    return x12_control_reserve_wait(path, n, first, X12_CONTROL_LOCK_WAIT_MS, err);
}

x12_status x12_control_peek(const char *path, uint32_t *last, x12_error *err)
{
    if (err)
        memset(err, 0, sizeof *err);
    if (!path || !path[0] || !last)
        return fail(err, X12_ERR_USAGE, "bad arguments for the counter", path ? path : "", 0);
    int fd = lock_counter(path, X12_CONTROL_LOCK_WAIT_MS, err);
    if (fd < 0)
        return err ? err->code : X12_ERR_IO;
    x12_status st = read_counter(path, last, err);
    close(fd);
    return st;
}
