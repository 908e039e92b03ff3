/* Preloaded into x12 by cli_batch_test.sh (LD_PRELOAD) to make two things
 * happen that a test cannot arrange otherwise:
 *  - opendir() of a folder named "unreadable" fails with EACCES, as it would
 *    for a user without the permission (the tests run as root in CI, and
 *    root reads a chmod 000 folder);
 *  - the first open() of a file named "grows.835" in each process appends a
 *    line break to it first: the file changes after the batch listed it, as
 *    a file still being uploaded does;
 *  - while the input last opened from a folder named "full-disk-inbox" is
 *    "full-disk.835" and until it is closed, fwrite() to the batch's
 *    temporary files (its outputs before they are renamed into place) fails
 *    with ENOSPC, as on a disk that is full for a while;
 *  - likewise while "flush-fails.835" (from a folder named "flush-inbox") is
 *    read, fflush() of a temporary output that has reached 8 MiB fails with
 *    ENOSPC: the disk fills while a large output is being written, found
 *    when the batch hands its first 8 MiB to the kernel. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

DIR *opendir(const char *name)
{
    static DIR *(*real)(const char *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "opendir");
    if (ends_with(name, "/unreadable")) {
        errno = EACCES;
        return NULL;
    }
    if (!real) {
        errno = ENOSYS;
        return NULL;
    }
    return real(name);
}

static int disk_full, flush_fails;

/* Is this stream one of the batch's temporary outputs? */
static int batch_tmp(int fd)
{
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t k = readlink(link, path, sizeof path - 1);
    if (k <= 0)
        return 0;
    path[k] = '\0';
    return strstr(path, "/.x12-batch/tmp/") != NULL;
}

int open(const char *path, int flags, ...)
{
    static int (*real)(const char *, int, ...);
    static int grown;
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "open");
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if (strstr(path, "/full-disk-inbox/"))
        disk_full = ends_with(path, "/full-disk.835");
    if (strstr(path, "/flush-inbox/"))
        flush_fails = ends_with(path, "/flush-fails.835");
    if (!grown && ends_with(path, "/grows.835")) {
        grown = 1;
        int fd = real(path, O_WRONLY | O_APPEND);
        if (fd >= 0) {
            if (write(fd, "\n", 1) != 1) {
                /* the test then sees no change and fails */
            }
            close(fd);
        }
    }
    return real(path, flags, mode);
}

int fflush(FILE *f)
{
    static int (*real)(FILE *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "fflush");
    if (flush_fails && f && ftell(f) >= (8L << 20) && batch_tmp(fileno(f))) {
        errno = ENOSPC;
        return EOF;
    }
    if (!real) {
        errno = ENOSYS;
        return EOF;
    }
    return real(f);
}

size_t fwrite(const void *buf, size_t size, size_t n, FILE *f)
{
    static size_t (*real)(const void *, size_t, size_t, FILE *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "fwrite");
    if (disk_full && batch_tmp(fileno(f))) {
        errno = ENOSPC;
        return 0;
    }
    if (!real) {
        errno = ENOSYS;
        return 0;
    }
    return real(buf, size, n, f);
}

int close(int fd)
{
    static int (*real)(int);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "close");
    if (disk_full || flush_fails) {
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t k = readlink(link, path, sizeof path - 1);
        if (k > 0) {
            path[k] = '\0';
            if (ends_with(path, "/full-disk-inbox/full-disk.835"))
                disk_full = 0;
            if (ends_with(path, "/flush-inbox/flush-fails.835"))
                flush_fails = 0;
        }
    }
    if (!real) {
        errno = ENOSYS;
        return -1;
    }
    return real(fd);
}
