/* x12 batch: N worker processes (fork) that identify or process files.
 *
 * Each worker has its own task pipe and at most one file in hand; results
 * come back on one shared pipe as fixed-size messages smaller than PIPE_BUF,
 * so writes of several workers never interleave.  A worker's memory is that
 * of one file's readers (bounded by one claim); each opens its own ledger
 * handle, and SQLite's locking (busy timeout) orders their writes.  Workers
 * die with the parent (PR_SET_PDEATHSIG), so a killed run leaves no
 * stragglers writing behind the next one. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "batch.h"

typedef struct result {
    uint32_t worker, index;
    unsigned char sha[32];
    char hex[65];
    char st01[4];
    int is_x12, identified, has_errors;
    int outcome;
    batch_counts counts;
    x12_error where;
    char reason[200];
} result;

static void run_one(batch_run *r, batch_phase phase, batch_file *f)
{
    if (phase == BP_IDENTIFY)
        batch_identify(r, f);
    else
        batch_process(r, f);
}

static void to_result(const batch_file *f, result *m)
{
    memcpy(m->sha, f->sha, 32);
    memcpy(m->hex, f->hex, 65);
    memcpy(m->st01, f->st01, 4);
    m->is_x12 = f->is_x12;
    m->identified = f->identified;
    m->has_errors = f->has_errors;
    m->outcome = (int)f->outcome;
    m->counts = f->counts;
    m->where = f->where;
    memcpy(m->reason, f->reason, sizeof m->reason);
}

static void from_result(batch_file *f, const result *m)
{
    memcpy(f->sha, m->sha, 32);
    memcpy(f->hex, m->hex, 65);
    memcpy(f->st01, m->st01, 4);
    f->is_x12 = m->is_x12;
    f->identified = m->identified;
    f->has_errors = m->has_errors;
    f->outcome = (batch_outcome)m->outcome;
    f->counts = m->counts;
    f->where = m->where;
    memcpy(f->reason, m->reason, sizeof f->reason);
}

static int read_full(int fd, void *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = read(fd, (char *)buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return off == 0 ? 0 : -1;
        off += (size_t)n;
    }
    return 1;
}

static int write_full(int fd, const void *buf, size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = write(fd, (const char *)buf + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        off += (size_t)n;
    }
    return 0;
}

/* Opens the ledger of a process that ingests (each worker has its own
 * connection), unless it is open already; on failure `why` says so and every
 * file this process takes fails with it. */
static void open_ledger(batch_run *r, char *why, size_t cap)
{
    why[0] = '\0';
    if (!r->db || r->ledger)
        return;
    x12_error err;
    if (x12_ledger_open(r->db, &r->ledger, &err) != X12_OK) {
        r->ledger = NULL;
        snprintf(why, cap, "cannot open the ledger %s: %s %s", r->db, err.msg, err.detail);
    }
}

static void worker(batch_run *r, batch_phase phase, uint32_t id, int tasks, int results)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    char ledger_error[160] = "";
    r->ledger = NULL;
    if (phase == BP_PROCESS)
        open_ledger(r, ledger_error, sizeof ledger_error);
    uint32_t index;
    while (read_full(tasks, &index, sizeof index) == 1) {
        batch_file *f = &r->files[index];
        if (ledger_error[0]) {
            f->outcome = BO_FAILED;
            snprintf(f->reason, sizeof f->reason, "%s", ledger_error);
        } else {
            run_one(r, phase, f);
        }
        result m;
        memset(&m, 0, sizeof m);
        m.worker = id;
        m.index = index;
        to_result(f, &m);
        if (write_full(results, &m, sizeof m) != 0)
            break;
    }
    x12_ledger_close(r->ledger);
    r->ledger = NULL;
}

int batch_pool_run(batch_run *r, batch_phase phase, const size_t *todo, size_t n,
                   void (*tick)(batch_run *r, const batch_file *f, void *ctx), void *ctx)
{
    if (r->jobs <= 1 || n <= 1) {
        /* in this process: with --jobs N the caller closed its ledger for
         * the workers, so open it here (left open; the caller closes it) */
        char ledger_error[160] = "";
        if (phase == BP_PROCESS)
            open_ledger(r, ledger_error, sizeof ledger_error);
        for (size_t i = 0; i < n; i++) {
            batch_file *f = &r->files[todo[i]];
            if (ledger_error[0]) {
                f->outcome = BO_FAILED;
                snprintf(f->reason, sizeof f->reason, "%s", ledger_error);
            } else {
                run_one(r, phase, f);
            }
            if (tick)
                tick(r, &r->files[todo[i]], ctx);
        }
        return 0;
    }
    size_t jobs = (size_t)r->jobs < n ? (size_t)r->jobs : n;
    int res[2];
    if (pipe(res) != 0) {
        perror("x12 batch: pipe");
        return -1;
    }
    pid_t *pids = calloc(jobs, sizeof *pids);
    int *task = calloc(jobs, sizeof *task);
    long *busy = calloc(jobs, sizeof *busy);
    if (!pids || !task || !busy) {
        free(pids);
        free(task);
        free(busy);
        close(res[0]);
        close(res[1]);
        return -1;
    }
    fflush(NULL);
    size_t started = 0;
    for (size_t w = 0; w < jobs; w++) {
        int t[2];
        if (pipe(t) != 0)
            break;
        pid_t pid = fork();
        if (pid < 0) {
            close(t[0]);
            close(t[1]);
            break;
        }
        if (pid == 0) {
            for (size_t k = 0; k < w; k++)
                close(task[k]);
            close(t[1]);
            close(res[0]);
            worker(r, phase, (uint32_t)w, t[0], res[1]);
            _exit(0);
        }
        close(t[0]);
        pids[w] = pid;
        task[w] = t[1];
        busy[w] = -1;
        started++;
    }
    close(res[1]);
    if (started == 0) {
        perror("x12 batch: fork");
        close(res[0]);
        free(pids);
        free(task);
        free(busy);
        return -1;
    }
    /* a worker that died must not take the parent down with SIGPIPE */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old);
    size_t next = 0, outstanding = 0;
    for (size_t w = 0; w < started; w++) {
        if (next < n) {
            uint32_t idx = (uint32_t)todo[next];
            if (write_full(task[w], &idx, sizeof idx) == 0) {
                busy[w] = (long)todo[next];
                outstanding++;
            }
            next++;
        } else {
            close(task[w]);
            task[w] = -1;
        }
    }
    result m;
    while (outstanding > 0 && read_full(res[0], &m, sizeof m) == 1) {
        if (m.worker >= started || busy[m.worker] != (long)m.index)
            continue;
        batch_file *f = &r->files[m.index];
        from_result(f, &m);
        busy[m.worker] = -1;
        outstanding--;
        if (tick)
            tick(r, f, ctx);
        while (next < n) {
            uint32_t idx = (uint32_t)todo[next++];
            if (write_full(task[m.worker], &idx, sizeof idx) == 0) {
                busy[m.worker] = (long)idx;
                outstanding++;
                break;
            }
            r->files[idx].outcome = BO_FAILED; /* the worker is gone */
            snprintf(r->files[idx].reason, sizeof r->files[idx].reason, "a worker stopped");
        }
        if (busy[m.worker] < 0 && task[m.worker] >= 0) {
            close(task[m.worker]);
            task[m.worker] = -1;
        }
    }
    /* files still in the hands of a worker that died */
    for (size_t w = 0; w < started; w++) {
        if (busy[w] >= 0) {
            batch_file *f = &r->files[busy[w]];
            f->outcome = BO_FAILED;
            snprintf(f->reason, sizeof f->reason, "the worker processing it stopped");
        }
        if (task[w] >= 0)
            close(task[w]);
    }
    for (; next < n; next++) {
        r->files[todo[next]].outcome = BO_FAILED;
        snprintf(r->files[todo[next]].reason, sizeof r->files[todo[next]].reason,
                 "no worker left");
    }
    close(res[0]);
    for (size_t w = 0; w < started; w++)
        waitpid(pids[w], NULL, 0);
    sigaction(SIGPIPE, &old, NULL);
    free(pids);
    free(task);
    free(busy);
    return 0;
}
