/* The control-number counter: first use, persistence, wrap, corrupt files,
 * I/O errors, and two processes reserving at once never sharing a number. */
#define _DEFAULT_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <signal.h>
#include <errno.h>
#include <unistd.h>

#include <cmocka.h>

#include <x12/control.h>

#include "support.h"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/x12ctl.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return remove_tree(dir);
}

static void path_of(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", dir, name);
}

static void test_missing_starts_at_one(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "c1");
    uint32_t first = 0, last = 7;
    assert_int_equal(x12_control_peek(p, &last, NULL), X12_OK);
    assert_int_equal(last, 0);
    assert_int_equal(x12_control_reserve(p, 1, &first, NULL), X12_OK);
    assert_int_equal(first, 1);
    assert_int_equal(x12_control_reserve(p, 5, &first, NULL), X12_OK);
    assert_int_equal(first, 2);
    assert_int_equal(x12_control_reserve(p, 1, &first, NULL), X12_OK);
    assert_int_equal(first, 7);
    size_t len;
    char *text = read_file(p, &len);
    assert_non_null(text);
    assert_int_equal(len, 10);
    assert_memory_equal(text, "000000007\n", 10);
    free(text);
    assert_int_equal(x12_control_peek(p, &last, NULL), X12_OK);
    assert_int_equal(last, 7);
}

static void test_wrap(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "c2");
    assert_int_equal(write_file(p, "999999998\n", 10), 0);
    uint32_t first = 0;
    assert_int_equal(x12_control_reserve(p, 1, &first, NULL), X12_OK);
    assert_int_equal(first, 999999999);
    assert_int_equal(x12_control_reserve(p, 1, &first, NULL), X12_OK);
    assert_int_equal(first, 1);
    /* a reservation that wraps inside */
    assert_int_equal(write_file(p, "999999998", 9), 0);
    assert_int_equal(x12_control_reserve(p, 4, &first, NULL), X12_OK);
    assert_int_equal(first, 999999999);
    uint32_t last = 0;
    assert_int_equal(x12_control_peek(p, &last, NULL), X12_OK);
    assert_int_equal(last, 3);
    assert_int_equal(x12_control_next(999999999, 1), 1);
    assert_int_equal(x12_control_next(999999998, 3), 2);
    assert_int_equal(x12_control_next(5, 0), 5);
    /* a first number out of range counts from 1 */
    assert_int_equal(x12_control_next(0, 0), 1);
    assert_int_equal(x12_control_next(0, 2), 3);
    assert_int_equal(x12_control_next(X12_CONTROL_MAX + 1, 0), 1);
    /* a file holding 0 means "none used": next is 1 */
    assert_int_equal(write_file(p, "0\n", 2), 0);
    assert_int_equal(x12_control_reserve(p, 1, &first, NULL), X12_OK);
    assert_int_equal(first, 1);
}

static void test_corrupt(void **state)
{
    (void)state;
    static const char *bad[] = {"", "\n", "abc\n", "12x\n", "1234567890\n", "-5\n",
                                "12\n\n", " 12\n", "12 \n",
                                /* longer than the 32 bytes read */
                                "0000000000000000000000000000000000000001\n"};
    char p[300];
    path_of(p, sizeof p, "c3");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(write_file(p, bad[i], strlen(bad[i])), 0);
        uint32_t first = 42;
        x12_error err;
        assert_int_equal(x12_control_reserve(p, 1, &first, &err), X12_ERR_CONTROL_CORRUPT);
        assert_int_equal(err.code, X12_ERR_CONTROL_CORRUPT);
        assert_non_null(strstr(err.detail, "c3"));
        assert_int_equal(first, 42);
        /* never silently reset: the bytes are still there */
        size_t len;
        char *text = read_file(p, &len);
        assert_non_null(text);
        assert_int_equal(len, strlen(bad[i]));
        assert_memory_equal(text, bad[i], len);
        free(text);
        assert_string_equal(x12_status_name(X12_ERR_CONTROL_CORRUPT), "X12_ERR_CONTROL_CORRUPT");
    }
}

static void test_usage_and_io(void **state)
{
    (void)state;
    uint32_t first;
    x12_error err;
    char p[300];
    path_of(p, sizeof p, "c4");
    assert_int_equal(x12_control_reserve(NULL, 1, &first, &err), X12_ERR_USAGE);
    assert_int_equal(x12_control_reserve("", 1, &first, &err), X12_ERR_USAGE);
    assert_int_equal(x12_control_reserve(p, 0, &first, &err), X12_ERR_USAGE);
    assert_int_equal(x12_control_reserve(p, 1000001, &first, &err), X12_ERR_USAGE);
    assert_int_equal(x12_control_reserve(p, 1, NULL, &err), X12_ERR_USAGE);
    assert_int_equal(x12_control_peek(p, NULL, &err), X12_ERR_USAGE);
    /* a folder that does not exist: the lock file cannot be created */
    char q[300];
    path_of(q, sizeof q, "no/such/counter");
    assert_int_equal(x12_control_reserve(q, 1, &first, &err), X12_ERR_IO);
    assert_non_null(strstr(err.detail, "No such file"));
    /* the counter is a folder: cannot be read */
    char d[300];
    path_of(d, sizeof d, "adir");
    assert_int_equal(mkdir(d, 0755), 0);
    assert_int_equal(x12_control_reserve(d, 1, &first, &err), X12_ERR_IO);
    assert_string_equal(x12_status_name(X12_ERR_CONTROL_LOCK), "X12_ERR_CONTROL_LOCK");
    assert_non_null(strstr(x12_status_message(X12_ERR_CONTROL_LOCK), "locked"));
}

/* Failures on the way: the counter unreadable (a link loop), its temporary
 * file not creatable, and a write that fails (a file size limit, in a child);
 * each reports the path and the reason and leaves the counter as it was. */
static void test_io_failures(void **state)
{
    (void)state;
    uint32_t first, last;
    x12_error err;
    char p[300];
    /* a link to itself: open() fails with ELOOP, not ENOENT */
    path_of(p, sizeof p, "loop");
    assert_int_equal(symlink("loop", p), 0);
    assert_int_equal(x12_control_reserve(p, 1, &first, &err), X12_ERR_IO);
    assert_non_null(strstr(err.detail, "cannot open"));
    assert_non_null(strstr(err.detail, strerror(ELOOP)));
    assert_int_equal(x12_control_peek(p, &last, &err), X12_ERR_IO);
    /* the temporary file's name is taken by a folder */
    path_of(p, sizeof p, "c6");
    assert_int_equal(x12_control_reserve(p, 3, &first, &err), X12_OK);
    char tmp[400];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", p, (long)getpid());
    assert_int_equal(mkdir(tmp, 0755), 0);
    assert_int_equal(x12_control_reserve(p, 1, &first, &err), X12_ERR_IO);
    assert_non_null(strstr(err.detail, "cannot create"));
    assert_non_null(strstr(err.detail, strerror(EISDIR)));
    assert_int_equal(rmdir(tmp), 0);
    assert_int_equal(x12_control_peek(p, &last, &err), X12_OK);
    assert_int_equal(last, 3);
    /* a write cut short by a file size limit */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4, 4};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(10);
        x12_error e;
        uint32_t f;
        x12_status st = x12_control_reserve(p, 1, &f, &e);
        int ok = st == X12_ERR_IO && strstr(e.detail, "cannot write") &&
                 strstr(e.detail, strerror(EFBIG)) != NULL;
        if (!ok)
            fprintf(stderr, "write failure: %s %s\n", x12_status_name(st), e.detail);
        _exit(ok ? 0 : 11);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(x12_control_peek(p, &last, &err), X12_OK);
    assert_int_equal(last, 3);
    /* no temporary file left behind */
    char **left = list_dir(dir);
    for (size_t i = 0; left[i]; i++)
        assert_null(strstr(left[i], ".tmp."));
    free_list(left);
}

/* Two processes reserve in a tight loop at the same time; every number
 * handed out must be distinct and the final counter the total. */
static void test_two_processes(void **state)
{
    (void)state;
    enum { ROUNDS = 300, PER = 3 };
    char p[300], out[2][300];
    path_of(p, sizeof p, "shared");
    path_of(out[0], sizeof out[0], "got0");
    path_of(out[1], sizeof out[1], "got1");
    pid_t pid[2];
    for (int c = 0; c < 2; c++) {
        pid[c] = fork();
        assert_true(pid[c] >= 0);
        if (pid[c] == 0) {
            FILE *f = fopen(out[c], "w");
            if (!f)
                _exit(3);
            for (int i = 0; i < ROUNDS; i++) {
                uint32_t first;
                if (x12_control_reserve(p, PER, &first, NULL) != X12_OK)
                    _exit(4);
                for (uint32_t k = 0; k < PER; k++)
                    fprintf(f, "%u\n", (unsigned)x12_control_next(first, k));
            }
            _exit(fclose(f) == 0 ? 0 : 5);
        }
    }
    for (int c = 0; c < 2; c++) {
        int status;
        assert_int_equal(waitpid(pid[c], &status, 0), pid[c]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    enum { TOTAL = 2 * ROUNDS * PER };
    static unsigned char seen[TOTAL + 1];
    memset(seen, 0, sizeof seen);
    int count = 0;
    for (int c = 0; c < 2; c++) {
        FILE *f = fopen(out[c], "r");
        assert_non_null(f);
        unsigned v;
        while (fscanf(f, "%u", &v) == 1) {
            assert_true(v >= 1 && v <= TOTAL);
            assert_int_equal(seen[v], 0);
            seen[v] = 1;
            count++;
        }
        fclose(f);
    }
    assert_int_equal(count, TOTAL);
    uint32_t last;
    assert_int_equal(x12_control_peek(p, &last, NULL), X12_OK);
    assert_int_equal(last, TOTAL);
}

/* A lock another process holds: x12_control_reserve_wait() gives up after its
 * wait with X12_ERR_CONTROL_LOCK (an unattended run reports a stuck holder
 * instead of hanging on it), and gets the number once the holder lets go. */
static void test_lock_held(void **state)
{
    (void)state;
    char p[300], lk[320];
    path_of(p, sizeof p, "held");
    snprintf(lk, sizeof lk, "%s.lock", p);
    int ready[2], go[2];
    assert_int_equal(pipe(ready), 0);
    assert_int_equal(pipe(go), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(lk, O_RDWR | O_CREAT, 0644);
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET;
        if (fd < 0 || fcntl(fd, F_SETLK, &fl) != 0)
            _exit(3);
        char c = 'x';
        if (write(ready[1], &c, 1) != 1)
            _exit(4);
        if (read(go[0], &c, 1) != 1) /* hold until told */
            _exit(5);
        _exit(0);
    }
    char c;
    assert_int_equal(read(ready[0], &c, 1), 1);
    uint32_t first = 0;
    x12_error err;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(x12_control_reserve_wait(p, 1, &first, 200, &err), X12_ERR_CONTROL_LOCK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    assert_true(waited >= 0.2);
    assert_int_equal(err.code, X12_ERR_CONTROL_LOCK);
    assert_non_null(strstr(err.detail, "held too long by another process"));
    assert_int_equal(x12_control_reserve_wait(p, 1, &first, 0, &err), X12_ERR_CONTROL_LOCK);
    assert_int_equal(first, 0);
    /* the holder lets go while a caller waits: the caller gets its number */
    pid_t helper = fork();
    assert_true(helper >= 0);
    if (helper == 0) {
        struct timespec ts = {0, 100000000L};
        nanosleep(&ts, NULL);
        _exit(write(go[1], "g", 1) == 1 ? 0 : 1);
    }
    assert_int_equal(x12_control_reserve_wait(p, 1, &first, 10000, &err), X12_OK);
    assert_int_equal(first, 1);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(waitpid(helper, &status, 0), helper);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(ready[0]);
    close(ready[1]);
    close(go[0]);
    close(go[1]);
}

/* fcntl() for the library's lock (the test links with --wrap=fcntl):
 * lock_errno makes F_SETLK fail with it, lock_eintr interrupts that many
 * calls first; both 0 pass every call on. */
static int lock_errno, lock_eintr;
int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
    va_list ap;
    va_start(ap, cmd);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    if (cmd == F_SETLK && lock_eintr > 0) {
        lock_eintr--;
        errno = EINTR;
        return -1;
    }
    if (cmd == F_SETLK && lock_errno) {
        errno = lock_errno;
        return -1;
    }
    return __real_fcntl(fd, cmd, arg);
}

/* A lock the file system refuses (ENOLCK: an NFS mount without a lock
 * daemon) is an error at once, with the reason, and reserves nothing; a
 * signal that interrupts the lock call is not an error. */
static void test_lock_refused(void **state)
{
    (void)state;
    char p[300];
    path_of(p, sizeof p, "refused");
    uint32_t first = 0;
    x12_error err;
    lock_errno = ENOLCK;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    assert_int_equal(x12_control_reserve_wait(p, 1, &first, 5000, &err), X12_ERR_CONTROL_LOCK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 2); /* not waited out */
    assert_non_null(strstr(err.detail, "cannot lock"));
    assert_non_null(strstr(err.detail, strerror(ENOLCK)));
    assert_int_equal(first, 0);
    lock_errno = 0;
    lock_eintr = 3;
    assert_int_equal(x12_control_reserve_wait(p, 2, &first, 0, &err), X12_OK);
    assert_int_equal(first, 1); /* the refused call took nothing */
    assert_int_equal(lock_eintr, 0);
    assert_int_equal(x12_control_reserve_wait(p, 1, &first, 0, &err), X12_OK);
    assert_int_equal(first, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_starts_at_one),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_usage_and_io),
        cmocka_unit_test(test_io_failures),
        cmocka_unit_test(test_two_processes),
        cmocka_unit_test(test_lock_held),
        cmocka_unit_test(test_lock_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
