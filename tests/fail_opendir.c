/* Preloaded into x12 by cli_batch_test.sh (LD_PRELOAD): opendir() of a
 * folder named "unreadable" fails with EACCES, as it would for a user
 * without the permission.  The tests run as root in CI, where a chmod 000
 * folder is still readable. */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <string.h>

DIR *opendir(const char *name)
{
    static DIR *(*real)(const char *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "opendir");
    size_t n = strlen(name);
    if (n >= 11 && strcmp(name + n - 11, "/unreadable") == 0) {
        errno = EACCES;
        return NULL;
    }
    if (!real) {
        errno = ENOSYS;
        return NULL;
    }
    return real(name);
}
