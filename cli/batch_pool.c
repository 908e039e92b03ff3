/* x12 batch: N worker processes (fork) that identify or process files.
 *
 * Tasks wait in one pipe that every worker reads (a free worker takes the
 * next file; reads and writes of whole indices are atomic); results come
 * back on one shared pipe as fixed-size messages smaller than PIPE_BUF, so
 * writes of several workers never interleave.  A worker's memory is that of one file's readers (bounded by
 * one claim).  Only the parent writes the ledger: a worker spools what a
 * file adds, and the parent adds each spool as its result comes back
 * (batch_finish) while the workers go on with the next files.  Workers die
 * with the parent (PR_SET_PDEATHSIG), so a killed run leaves no stragglers
 * writing behind the next one. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
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
    int spooled, ingest837, ingest835, ingest277;
    int outcome;
    batch_counts counts;
    x12_error where;
    char reason[200];
} result;

#define BATCH_WORKER_NICE 10

_Static_assert(sizeof(result) <= PIPE_BUF, "a result is written to the shared pipe at once");

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
    m->spooled = f->spooled;
    m->ingest837 = f->ingest837;
    m->ingest835 = f->ingest835;
    m->ingest277 = f->ingest277;
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
    f->spooled = m->spooled;
    f->ingest837 = m->ingest837;
    f->ingest835 = m->ingest835;
    f->ingest277 = m->ingest277;
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
        snprintf(why, cap, "cannot open the ledger %s: %s (%s)", r->db, err.msg, err.detail);
    }
}

/* A worker: files in, results out; the ledger is the parent's. */
static void worker(batch_run *r, batch_phase phase, uint32_t id, int tasks, int results)
{
#ifdef __linux__
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    r->ledger = NULL;
    /* The parent's ledger writes are the one part that cannot run side by
     * side: workers yield the CPU to it (a lower priority, not a limit), so
     * that converting never starves it.  At 250 MB, --jobs 2: 6.2-6.5 s
     * without, 5.9 s with. */
    if (phase == BP_PROCESS && r->db) {
        errno = 0;
        int prio = getpriority(PRIO_PROCESS, 0);
        if (errno == 0)
            setpriority(PRIO_PROCESS, 0, prio + BATCH_WORKER_NICE > 19 ? 19 : prio + BATCH_WORKER_NICE);
    }
    uint32_t index;
    while (read_full(tasks, &index, sizeof index) == 1) {
        batch_file *f = &r->files[index];
        run_one(r, phase, f);
        result m;
        memset(&m, 0, sizeof m);
        m.worker = id;
        m.index = index;
        to_result(f, &m);
        if (write_full(results, &m, sizeof m) != 0)
            break;
    }
}

/* The parent's part of a processed file: the ledger and the done-marker.
 * `ledger_error` says why the ledger could not be opened. */
static void finish_one(batch_run *r, batch_file *f, const char *ledger_error)
{
    if (ledger_error[0] && f->outcome != BO_FAILED && (f->spooled || f->ingest837 || f->ingest835 || f->ingest277)) {
        f->outcome = BO_FAILED;
        snprintf(f->reason, sizeof f->reason, "%s", ledger_error);
    }
    batch_finish(r, f); /* a failed file's spool is removed */
}

/* Tasks go to all workers through one pipe, in order; a worker takes the
 * next when it is free.  Written PIPE_BUF bytes at most at a time (atomic),
 * and at most WINDOW ahead of the results so that the parent never blocks
 * on a full pipe while the workers block on theirs. */
#define WINDOW 4096

/* Writes the tasks todo[*next..] that fit before `upto`; closes the pipe
 * (*task = -1) after the last.  Returns -1 when the workers are gone. */
static int give(int *task, const size_t *todo, size_t n, size_t *next, size_t upto)
{
    uint32_t chunk[PIPE_BUF / sizeof(uint32_t)];
    while (*task >= 0 && *next < n && *next < upto) {
        size_t k = 0;
        while (k < sizeof chunk / sizeof chunk[0] && *next + k < n && *next + k < upto) {
            chunk[k] = (uint32_t)todo[*next + k];
            k++;
        }
        if (write_full(*task, chunk, k * sizeof chunk[0]) != 0)
            return -1;
        *next += k;
    }
    if (*task >= 0 && *next == n) {
        close(*task);
        *task = -1;
    }
    return 0;
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
                if (phase == BP_PROCESS)
                    batch_finish(r, f);
            }
            if (tick)
                tick(r, &r->files[todo[i]], ctx);
        }
        return 0;
    }
    size_t jobs = (size_t)r->jobs < n ? (size_t)r->jobs : n;
    int res[2], tp[2];
    if (pipe(res) != 0 || pipe(tp) != 0) {
        perror("x12 batch: pipe");
        return -1;
    }
    pid_t *pids = calloc(jobs, sizeof *pids);
    unsigned char *back = calloc(r->nfiles ? r->nfiles : 1, 1); /* result received */
    if (!pids || !back) {
        free(pids);
        free(back);
        close(res[0]);
        close(res[1]);
        close(tp[0]);
        close(tp[1]);
        return -1;
    }
    fflush(NULL);
    size_t started = 0;
    for (size_t w = 0; w < jobs; w++) {
        pid_t pid = fork();
        if (pid < 0)
            break;
        if (pid == 0) {
            close(tp[1]);
            close(res[0]);
            worker(r, phase, (uint32_t)w, tp[0], res[1]);
            _exit(0);
        }
        pids[w] = pid;
        started++;
    }
    close(res[1]);
    close(tp[0]);
    int task = tp[1];
    if (started == 0) {
        perror("x12 batch: fork");
        close(res[0]);
        close(task);
        free(pids);
        free(back);
        return -1;
    }
    /* the parent holds the ledger while the workers process: opened after
     * the fork (a connection must not cross it) */
    char ledger_error[160] = "";
    if (phase == BP_PROCESS)
        open_ledger(r, ledger_error, sizeof ledger_error);
    /* a worker that died must not take the parent down with SIGPIPE */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old);
    size_t next = 0, received = 0;
    give(&task, todo, n, &next, WINDOW);
    result m;
    while (received < next && read_full(res[0], &m, sizeof m) == 1) {
        if (m.index >= r->nfiles || back[m.index])
            continue;
        back[m.index] = 1;
        received++;
        /* more work first, then this file's ledger part */
        give(&task, todo, n, &next, received + WINDOW);
        batch_file *f = &r->files[m.index];
        from_result(f, &m);
        if (phase == BP_PROCESS)
            finish_one(r, f, ledger_error);
        if (tick)
            tick(r, f, ctx);
    }
    if (task >= 0)
        close(task);
    /* files a worker took and never answered for: it died */
    for (size_t k = 0; k < n; k++)
        if (!back[todo[k]]) {
            batch_file *f = &r->files[todo[k]];
            f->outcome = BO_FAILED;
            snprintf(f->reason, sizeof f->reason, "%s",
                     k < next ? "the worker processing it stopped" : "no worker left");
            if (phase == BP_PROCESS) { /* a spool it may have begun */
                char *spool = batch_spool_path(r, f);
                if (spool)
                    unlink(spool);
                free(spool);
            }
        }
    close(res[0]);
    for (size_t w = 0; w < started; w++)
        waitpid(pids[w], NULL, 0);
    sigaction(SIGPIPE, &old, NULL);
    free(pids);
    free(back);
    return 0;
}
