/* Input sources: plain files, standard input, gzip (one member, several
 * members, truncated, corrupt), missing files; results equal the plain read. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <cmocka.h>
#include <zlib.h>

#include "support.h"

#define FIX X12KIT_SOURCE_DIR "/fixtures/x12/"

typedef struct run {
    strbuf log;
    x12_status last_code;
} run;

static int on_seg(void *ctx, const x12_segment *seg)
{
    run *r = ctx;
    sb_add(&r->log, seg->raw.ptr, seg->raw.len);
    sb_add(&r->log, "\n", 1);
    return 0;
}

static void on_err(void *ctx, const x12_error *e)
{
    run *r = ctx;
    r->last_code = e->code;
    sb_printf(&r->log, "E %s %llu\n", x12_status_name(e->code), (unsigned long long)e->byte_offset);
}

static x12_status read_path(const char *path, run *r)
{
    memset(r, 0, sizeof *r);
    sb_add(&r->log, "", 0);
    x12_reader_callbacks cb = {on_seg, on_err};
    return x12_read_file(path, NULL, &cb, r);
}

static char *gzip_bytes(const char *data, size_t len, size_t *out_len)
{
    uLong cap = compressBound(len) + 64;
    char *out = malloc(cap);
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *out_len = z.total_out;
    deflateEnd(&z);
    return out;
}

static void test_gzip_equals_plain(void **state)
{
    (void)state;
    run plain, gz;
    assert_int_equal(read_path(FIX "y_minimal.x12", &plain), X12_OK);
    assert_int_equal(read_path(FIX "y_gzip.x12.gz", &gz), X12_OK);
    assert_string_equal(plain.log.p, gz.log.p);
    assert_non_null(strstr(plain.log.p, "IEA*1*000000001\n"));
    sb_free(&plain.log);
    sb_free(&gz.log);
}

/* Two gzip members back to back (cat a.gz b.gz) read as one stream. */
static void test_gzip_members(void **state)
{
    (void)state;
    size_t n, g1, g2;
    char *x = read_file(FIX "y_two_interchanges_own_delimiters.x12", &n);
    assert_non_null(x);
    size_t half = 214; /* the first interchange */
    char *a = gzip_bytes(x, half, &g1), *b = gzip_bytes(x + half, n - half, &g2);
    char path[] = "/tmp/x12kit-test-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, a, g1), (ssize_t)g1);
    assert_int_equal(write(fd, b, g2), (ssize_t)g2);
    close(fd);
    run gz, plain;
    assert_int_equal(read_path(path, &gz), X12_OK);
    assert_int_equal(read_path(FIX "y_two_interchanges_own_delimiters.x12", &plain), X12_OK);
    assert_string_equal(plain.log.p, gz.log.p);
    /* garbage after the last member is an error, not silence */
    fd = open(path, O_WRONLY | O_APPEND);
    assert_int_equal(write(fd, "junk", 4), 4);
    close(fd);
    run tail;
    assert_int_equal(read_path(path, &tail), X12_ERR_GZIP);
    assert_int_equal(tail.last_code, X12_ERR_GZIP);
    unlink(path);
    /* zero bytes after the last member (transfer padding) are skipped, as
     * gzip -d does, even past a read's 64 KiB; data after them is an error */
    static char zeros[150000];
    for (int with_junk = 0; with_junk < 2; with_junk++) {
        strcpy(path, "/tmp/x12kit-test-XXXXXX");
        fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, a, g1), (ssize_t)g1);
        assert_int_equal(write(fd, b, g2), (ssize_t)g2);
        assert_int_equal(write(fd, zeros, sizeof zeros), (ssize_t)sizeof zeros);
        if (with_junk)
            assert_int_equal(write(fd, "x", 1), 1);
        close(fd);
        run padded;
        if (with_junk) {
            assert_int_equal(read_path(path, &padded), X12_ERR_GZIP);
            assert_int_equal(padded.last_code, X12_ERR_GZIP);
        } else {
            assert_int_equal(read_path(path, &padded), X12_OK);
            assert_string_equal(plain.log.p, padded.log.p);
        }
        unlink(path);
        sb_free(&padded.log);
    }
    free(a);
    free(b);
    free(x);
    sb_free(&gz.log);
    sb_free(&plain.log);
    sb_free(&tail.log);
}

static void test_gzip_truncated_and_corrupt(void **state)
{
    (void)state;
    run r;
    assert_int_equal(read_path(FIX "n_gzip_truncated.x12.gz", &r), X12_ERR_GZIP);
    assert_int_equal(r.last_code, X12_ERR_GZIP);
    sb_free(&r.log);
    /* flip bytes inside the deflate data */
    size_t n;
    char *gz = read_file(FIX "y_gzip.x12.gz", &n);
    for (size_t i = 20; i < 40 && i < n; i++)
        gz[i] ^= 0x5a;
    char path[] = "/tmp/x12kit-test-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(write(fd, gz, n), (ssize_t)n);
    close(fd);
    assert_int_equal(read_path(path, &r), X12_ERR_GZIP);
    unlink(path);
    free(gz);
    sb_free(&r.log);
}

static void test_missing_file(void **state)
{
    (void)state;
    x12_error err;
    assert_null(x12_input_open("/nonexistent/x12kit/file", NULL, &err));
    assert_int_equal(err.code, X12_ERR_IO);
    assert_string_equal(err.detail, "No such file or directory");
    run r;
    assert_int_equal(read_path("/nonexistent/x12kit/file", &r), X12_ERR_IO);
    assert_int_equal(r.last_code, X12_ERR_IO);
    sb_free(&r.log);
    /* a directory opens but cannot be read */
    assert_int_equal(read_path("/", &r), X12_ERR_IO);
    sb_free(&r.log);
}

/* "-" reads standard input, gzip included. */
static void test_stdin(void **state)
{
    (void)state;
    int saved = dup(0);
    int fd = open(FIX "y_gzip.x12.gz", O_RDONLY);
    assert_true(fd >= 0);
    dup2(fd, 0);
    close(fd);
    run r, plain;
    assert_int_equal(read_path("-", &r), X12_OK);
    dup2(saved, 0);
    close(saved);
    assert_int_equal(read_path(FIX "y_minimal.x12", &plain), X12_OK);
    assert_string_equal(r.log.p, plain.log.p);
    sb_free(&r.log);
    sb_free(&plain.log);
}

/* Small reads: the input hands out what was asked, no more. */
static void test_small_reads(void **state)
{
    (void)state;
    x12_error err;
    x12_input *in = x12_input_open(FIX "y_gzip.x12.gz", NULL, &err);
    assert_non_null(in);
    strbuf b = {0};
    char c[3];
    size_t got;
    for (;;) {
        assert_int_equal(x12_input_read(in, c, sizeof c, &got, &err), X12_OK);
        if (!got)
            break;
        assert_true(got <= sizeof c);
        sb_add(&b, c, got);
    }
    assert_true(x12_input_is_gzip(in));
    x12_input_close(in);
    size_t n;
    char *plain = read_file(FIX "y_minimal.x12", &n);
    assert_int_equal(b.len, n);
    assert_memory_equal(b.p, plain, n);
    free(plain);
    sb_free(&b);
    x12_input_close(NULL);
}

/* Standard input from a socket fed by a child: `a` at once, `b` 50 ms later,
 * then the end, or (stall) nothing more for longer than the read timeout, so
 * that the next read() fails (EAGAIN).  Reads it all through x12_input and
 * returns the status; the bytes read are in *got. */
static x12_status read_socket(const char *a, size_t alen, const char *b, size_t blen, int stall,
                              strbuf *got, x12_error *err, int *gzip)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        if (alen && write(sv[1], a, alen) != (ssize_t)alen)
            _exit(1);
        usleep(50000);
        if (blen && write(sv[1], b, blen) != (ssize_t)blen)
            _exit(1);
        if (stall)
            sleep(5);
        _exit(0);
    }
    close(sv[1]);
    if (stall) {
        struct timeval tv = {0, 300000};
        assert_int_equal(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
    }
    int saved = dup(0);
    dup2(sv[0], 0);
    close(sv[0]);
    x12_input *in = x12_input_open("-", NULL, err);
    assert_non_null(in);
    char buf[4096];
    size_t n;
    x12_status st;
    while ((st = x12_input_read(in, buf, sizeof buf, &n, err)) == X12_OK && n)
        sb_add(got, buf, n);
    *gzip = x12_input_is_gzip(in);
    x12_input_close(in);
    dup2(saved, 0);
    close(saved);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) /* (a test's timer may be running) */
        ;
    return st;
}

/* A pipe or socket whose first read gives one byte: the gzip test waits for
 * the second; a read that fails (here a receive timeout) is an I/O error at
 * the first byte, in the middle of plain data, and in the middle of gzip data,
 * with what came before it delivered. */
static void test_socket_reads(void **state)
{
    (void)state;
    size_t plen, glen;
    char *plain = read_file(FIX "y_minimal.x12", &plen);
    char *gz = read_file(FIX "y_gzip.x12.gz", &glen);
    assert_non_null(plain);
    assert_non_null(gz);
    assert_true(plen > 200 && glen > 100);
    x12_error err;
    int gzip;
    for (int g = 0; g < 2; g++) {
        const char *d = g ? gz : plain;
        size_t n = g ? glen : plen;
        strbuf got = {0};
        assert_int_equal(read_socket(d, 1, d + 1, n - 1, 0, &got, &err, &gzip), X12_OK);
        assert_int_equal(gzip, g);
        assert_int_equal(got.len, plen);
        assert_memory_equal(got.p, plain, plen);
        sb_free(&got);
    }
    strbuf got = {0};
    assert_int_equal(read_socket(plain, 1, NULL, 0, 1, &got, &err, &gzip), X12_ERR_IO);
    assert_int_equal(err.code, X12_ERR_IO);
    assert_string_equal(err.detail, strerror(EAGAIN));
    assert_int_equal(got.len, 0);
    sb_free(&got);

    got = (strbuf){0};
    assert_int_equal(read_socket(plain, 100, plain + 100, 60, 1, &got, &err, &gzip), X12_ERR_IO);
    assert_string_equal(err.detail, strerror(EAGAIN));
    assert_int_equal(got.len, 160);
    assert_memory_equal(got.p, plain, 160);
    assert_int_equal(err.byte_offset, 160);
    sb_free(&got);

    got = (strbuf){0};
    assert_int_equal(read_socket(gz, glen / 2, NULL, 0, 1, &got, &err, &gzip), X12_ERR_IO);
    assert_int_equal(gzip, 1);
    assert_string_equal(err.detail, strerror(EAGAIN));
    assert_true(got.len < plen);
    assert_memory_equal(got.p, plain, got.len);
    assert_int_equal(err.byte_offset, got.len);
    sb_free(&got);
    free(plain);
    free(gz);
}

/* Reads interrupted by a signal (a handler installed without SA_RESTART, as
 * a program embedding the library may have) are retried, not errors: a
 * timer interrupts every 2 ms while the socket holds back the input's last
 * two thirds for 50 ms, plain and gzip. */
static volatile sig_atomic_t ticks;
static void on_tick(int sig)
{
    (void)sig;
    ticks++;
}

static void test_interrupted_reads(void **state)
{
    (void)state;
    size_t plen, glen;
    char *plain = read_file(FIX "y_minimal.x12", &plen);
    char *gz = read_file(FIX "y_gzip.x12.gz", &glen);
    assert_non_null(plain);
    assert_non_null(gz);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_tick;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read() returns EINTR */
    assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
    for (int g = 0; g < 2; g++) {
        const char *d = g ? gz : plain;
        size_t n = g ? glen : plen;
        strbuf got = {0};
        x12_error err;
        int gzip;
        ticks = 0;
        struct itimerval it = {{0, 2000}, {0, 2000}}, off = {{0, 0}, {0, 0}};
        assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
        x12_status st = read_socket(d, n / 3, d + n / 3, n - n / 3, 0, &got, &err, &gzip);
        setitimer(ITIMER_REAL, &off, NULL);
        assert_int_equal(st, X12_OK);
        assert_int_equal(gzip, g);
        assert_true(ticks > 5); /* the reads were interrupted */
        assert_int_equal(got.len, plen);
        assert_memory_equal(got.p, plain, plen);
        sb_free(&got);
    }
    sigaction(SIGALRM, &old, NULL);
    free(plain);
    free(gz);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    for (long n = 1;; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        x12_reader_options o;
        x12_reader_options_init(&o);
        o.alloc = &fa.a;
        x12_status st = x12_read_file(FIX "y_gzip.x12.gz", &o, NULL, NULL);
        assert_int_equal(fa.live, 0);
        if (st == X12_OK)
            break;
        assert_int_equal(st, X12_ERR_NOMEM);
        assert_true(n < 100);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gzip_equals_plain),
        cmocka_unit_test(test_gzip_members),
        cmocka_unit_test(test_gzip_truncated_and_corrupt),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_small_reads),
        cmocka_unit_test(test_socket_reads),
        cmocka_unit_test(test_interrupted_reads),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
