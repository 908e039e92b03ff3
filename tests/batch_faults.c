/* Preloaded into x12 by cli_batch_test.sh (LD_PRELOAD) to make two things
 * happen that a test cannot arrange otherwise:
 *  - opendir() of a folder named "unreadable" fails with EACCES, as it would
 *    for a user without the permission (the tests run as root in CI, and
 *    root reads a chmod 000 folder);
 *  - the first open() of a file named "grows.835" in each process appends a
 *    line break to it first: the file changes after the batch listed it, as
 *    a file still being uploaded does. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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
