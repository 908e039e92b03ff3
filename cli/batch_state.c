/* x12 batch: the state directory OUT/.x12-batch (run lock, done-markers,
 * acknowledgement numbers, temporary files) and atomic outputs.  An output
 * is written to OUT/.x12-batch/tmp and renamed into place only when whole,
 * and a file's done-marker is written last, so a run killed at any point
 * leaves nothing half-written and the next run redoes what was not marked. */
#define _GNU_SOURCE /* sync_file_range */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "batch.h"
#include "cli.h"

static char *join(const char *a, const char *b, const char *c)
{
    size_t n = strlen(a) + strlen(b) + strlen(c) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b, c);
    return s;
}

int batch_mkdirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    free(p);
    return 0;
}

char *batch_spool_path(const batch_run *r, const batch_file *f)
{
    char name[48];
    snprintf(name, sizeof name, "/spool-%zu.tmp", (size_t)(f - r->files));
    return join(r->out, "/" BATCH_STATE_DIR "/tmp", name);
}

static int mkdir_one(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

/* Writes `len` bytes to a new file at `path` through a temporary file and
 * rename, with fsync, so that the file is either absent or whole. */
static int write_atomic(batch_run *r, const char *path, const char *data, size_t len)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "/%ld-%lu.tmp", (long)getpid(), r->tmp_seq++);
    char *t = join(r->out, "/" BATCH_STATE_DIR "/tmp", tmp);
    if (!t)
        return -1;
    int fd = open(t, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int ok = fd >= 0;
    size_t off = 0;
    while (ok && off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            ok = 0;
        else
            off += (size_t)w;
    }
    if (ok && fsync(fd) != 0)
        ok = 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (ok && rename(t, path) != 0)
        ok = 0;
    if (!ok)
        unlink(t);
    free(t);
    return ok ? 0 : -1;
}

static void clear_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *p = join(dir, "/", e->d_name);
        if (p)
            unlink(p);
        free(p);
    }
    closedir(d);
}

int batch_state_open(batch_run *r)
{
    r->lock_fd = -1;
    if (mkdir_one(r->out) != 0) {
        fprintf(stderr, "x12 batch: cannot create the output folder %s: %s\n", r->out,
                strerror(errno));
        return -1;
    }
    char *state = join(r->out, "/", BATCH_STATE_DIR);
    char *done = join(r->out, "/" BATCH_STATE_DIR, "/done");
    char *tmp = join(r->out, "/" BATCH_STATE_DIR, "/tmp");
    char *lock = join(r->out, "/" BATCH_STATE_DIR, "/lock");
    int rc = -1;
    if (!state || !done || !tmp || !lock)
        goto out;
    if (access(r->out, W_OK) != 0 || mkdir_one(state) != 0 || mkdir_one(done) != 0 ||
        mkdir_one(tmp) != 0) {
        fprintf(stderr, "x12 batch: the output folder %s is not writable: %s\n", r->out,
                strerror(errno));
        goto out;
    }
    r->lock_fd = open(lock, O_RDWR | O_CREAT, 0666);
    if (r->lock_fd < 0) {
        fprintf(stderr, "x12 batch: the output folder %s is not writable: %s\n", r->out,
                strerror(errno));
        goto out;
    }
    /* An fcntl lock is not inherited by the workers and goes away with the
     * process, so a killed run never leaves a stale lock behind. */
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    int tries = 0;
    while (fcntl(r->lock_fd, F_SETLK, &fl) != 0) {
        if ((errno != EACCES && errno != EAGAIN) || ++tries > 10) {
            fprintf(stderr, "x12 batch: another x12 batch is writing to %s\n", r->out);
            close(r->lock_fd);
            r->lock_fd = -1;
            goto out;
        }
        struct timespec ts = {0, 100000000L}; /* a run that is just ending */
        nanosleep(&ts, NULL);
    }
    /* a probe: the folder may be read-only for reasons access() does not see */
    char *probe = join(tmp, "/probe", "");
    int fd = probe ? open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0666) : -1;
    if (fd < 0) {
        fprintf(stderr, "x12 batch: the output folder %s is not writable: %s\n", r->out,
                strerror(errno));
        free(probe);
        goto out;
    }
    close(fd);
    unlink(probe);
    free(probe);
    clear_tmp(tmp);
    rc = 0;
out:
    free(state);
    free(done);
    free(tmp);
    free(lock);
    return rc;
}

void batch_state_close(batch_run *r)
{
    if (r->lock_fd >= 0)
        close(r->lock_fd);
    r->lock_fd = -1;
}

/* --- done-markers --------------------------------------------------------- */

static const char *COUNT_NAMES[] = {"interchanges", "sets", "sets_837", "sets_835", "sets_other",
                                    "claims", "claim_payments", "ledger_added", "ledger_known",
                                    "acks", "ack_accepted", "ack_with_errors", "ack_rejected",
                                    "sets_277", "claims_acknowledged", "claims_rejected",
                                    "acks_in_accepted", "acks_in_with_errors", "acks_in_rejected",
                                    "ta1_in_rejected"};

static uint32_t *count_field(batch_counts *c, size_t i)
{
    uint32_t *f[] = {&c->interchanges, &c->sets, &c->sets_837, &c->sets_835, &c->sets_other,
                     &c->claims, &c->claim_payments, &c->ledger_added, &c->ledger_known,
                     &c->acks, &c->ack_accepted, &c->ack_with_errors, &c->ack_rejected,
                     &c->sets_277, &c->claims_acknowledged, &c->claims_rejected,
                     &c->acks_in_accepted, &c->acks_in_with_errors, &c->acks_in_rejected,
                     &c->ta1_in_rejected};
    return f[i];
}

#define NCOUNTS (sizeof COUNT_NAMES / sizeof COUNT_NAMES[0])

int batch_done_write(batch_run *r, const batch_file *f)
{
    json_t *o = json_object();
    batch_counts c = f->counts;
    json_object_set_new(o, "file", cli_jstr(f->rel));
    json_object_set_new(o, "sha256", json_string(f->hex));
    json_object_set_new(o, "outcome", json_string(batch_outcome_name(f->outcome)));
    json_object_set_new(o, "errors", json_boolean(f->has_errors));
    json_object_set_new(o, "bytes", json_integer((json_int_t)c.bytes));
    for (size_t i = 0; i < NCOUNTS; i++)
        json_object_set_new(o, COUNT_NAMES[i], json_integer(*count_field(&c, i)));
    json_object_set_new(o, "billed_cents", json_integer((json_int_t)c.billed));
    json_object_set_new(o, "paid_cents", json_integer((json_int_t)c.paid));
    json_t *rows = json_array(), *fd = json_array();
    for (int i = 0; i < 4; i++)
        json_array_append_new(rows, json_integer(c.rows[i]));
    for (int s = 0; s < 8; s++)
        for (int v = 0; v < 3; v++)
            json_array_append_new(fd, json_integer(c.findings[s][v]));
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "findings", fd);
    if (f->reason[0])
        json_object_set_new(o, "reason", cli_jstr(f->reason));
    json_object_set_new(o, "options", json_string(r->options));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!s)
        return -1;
    char *path = join(r->out, "/" BATCH_STATE_DIR "/done/", f->hex);
    char *p2 = path ? join(path, ".json", "") : NULL;
    size_t len = strlen(s);
    s[len] = '\n';
    int rc = p2 ? write_atomic(r, p2, s, len + 1) : -1;
    free(s);
    free(path);
    free(p2);
    return rc;
}

static uint32_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (uint32_t)json_integer_value(v) : 0;
}

int batch_done_read(const batch_run *r, const char *hex, batch_file *f, char **name,
                    int *same_options)
{
    char *path = join(r->out, "/" BATCH_STATE_DIR "/done/", hex);
    char *p2 = path ? join(path, ".json", "") : NULL;
    free(path);
    if (!p2)
        return -1;
    json_t *o = json_load_file(p2, 0, NULL);
    free(p2);
    if (!json_is_object(o)) {
        json_decref(o); /* missing, or not whole: the file is done again */
        return -1;
    }
    const char *file = json_string_value(json_object_get(o, "file"));
    const char *outcome = json_string_value(json_object_get(o, "outcome"));
    if (!file || !outcome) {
        json_decref(o);
        return -1;
    }
    memset(&f->counts, 0, sizeof f->counts);
    for (size_t i = 0; i < NCOUNTS; i++)
        *count_field(&f->counts, i) = jint(o, COUNT_NAMES[i]);
    json_t *v = json_object_get(o, "bytes");
    f->counts.bytes = json_is_integer(v) ? (uint64_t)json_integer_value(v) : 0;
    v = json_object_get(o, "billed_cents");
    f->counts.billed = json_is_integer(v) ? json_integer_value(v) : 0;
    v = json_object_get(o, "paid_cents");
    f->counts.paid = json_is_integer(v) ? json_integer_value(v) : 0;
    json_t *rows = json_object_get(o, "rows"), *fd = json_object_get(o, "findings");
    for (size_t i = 0; i < 4 && i < json_array_size(rows); i++)
        f->counts.rows[i] = (uint32_t)json_integer_value(json_array_get(rows, i));
    for (size_t i = 0; i < 24 && i < json_array_size(fd); i++)
        f->counts.findings[i / 3][i % 3] = (uint32_t)json_integer_value(json_array_get(fd, i));
    f->has_errors = json_is_true(json_object_get(o, "errors"));
    /* a marker of an earlier version has no options: taken as this run's */
    const char *opts = json_string_value(json_object_get(o, "options"));
    *same_options = !opts || !strcmp(opts, r->options);
    *name = strdup(file);
    json_decref(o);
    return *name ? 0 : -1;
}

/* --- acknowledgement control numbers --------------------------------------- */

/* OUT/.x12-batch/ack-control: one line per file, "HEX BASE CCYYMMDD HHMM".
 * Each file gets a block of BATCH_ACK_BLOCK control numbers; the date comes
 * from SOURCE_DATE_EPOCH when set (reproducible runs), else the clock. */
int batch_ack_assign(batch_run *r)
{
    char *path = join(r->out, "/" BATCH_STATE_DIR, "/ack-control");
    if (!path)
        return -1;
    size_t cap = 4096, len = 0;
    char *text = malloc(cap);
    if (!text) {
        free(path);
        return -1;
    }
    text[0] = '\0';
    uint32_t next = 1;
    FILE *in = fopen(path, "r");
    if (in) {
        char line[128], hex[65], date[9], tm[5];
        unsigned long base;
        while (fgets(line, sizeof line, in)) {
            if (sscanf(line, "%64s %lu %8s %4s", hex, &base, date, tm) != 4)
                continue;
            if (base + BATCH_ACK_BLOCK > next)
                next = (uint32_t)(base + BATCH_ACK_BLOCK);
            for (size_t i = 0; i < r->nfiles; i++)
                if (strcmp(r->files[i].hex, hex) == 0) {
                    r->files[i].ack_base = (uint32_t)base;
                    memcpy(r->files[i].ack_date, date, 9);
                    memcpy(r->files[i].ack_time, tm, 5);
                }
            size_t n = strlen(line);
            if (len + n + 1 > cap) {
                char *t = realloc(text, cap = 2 * (len + n + 1));
                if (!t)
                    break;
                text = t;
            }
            memcpy(text + len, line, n + 1);
            len += n;
        }
        fclose(in);
    }
    time_t now = time(NULL);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    if (sde && *sde)
        now = (time_t)strtoll(sde, NULL, 10);
    struct tm g;
    gmtime_r(&now, &g);
    char date[9], tm[5];
    strftime(date, sizeof date, "%Y%m%d", &g);
    strftime(tm, sizeof tm, "%H%M", &g);
    int added = 0;
    for (size_t i = 0; i < r->nfiles; i++) {
        batch_file *f = &r->files[i];
        if (f->outcome != BO_PENDING || f->ack_base)
            continue;
        if (next > 999999999u - BATCH_ACK_BLOCK)
            next = 1; /* ISA13 has nine digits: wrap */
        f->ack_base = next;
        next += BATCH_ACK_BLOCK;
        memcpy(f->ack_date, date, 9);
        memcpy(f->ack_time, tm, 5);
        char line[128];
        int n = snprintf(line, sizeof line, "%s %lu %s %s\n", f->hex, (unsigned long)f->ack_base,
                         date, tm);
        if (len + (size_t)n + 1 > cap) {
            char *t = realloc(text, cap = 2 * (len + (size_t)n + 1));
            if (!t) {
                free(text);
                free(path);
                return -1;
            }
            text = t;
        }
        memcpy(text + len, line, (size_t)n + 1);
        len += (size_t)n;
        added = 1;
    }
    int rc = added ? write_atomic(r, path, text, len) : 0;
    free(text);
    free(path);
    return rc;
}

/* --- atomic outputs ------------------------------------------------------- */

/* The output name of `rel` with `suffix`: as it is, unless its last part
 * with the longest suffix (32 bytes reserved) would pass the file system's
 * 255 bytes (an input named near that limit): then the input's name is cut
 * to 206 bytes and ends in "~" and 16 hex digits of a hash of the whole of
 * `rel`, the same for all its outputs and on every run. */
#define OUT_SUFFIX_MAX 32
static char *out_name(const char *dir, const char *rel, const char *suffix)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    size_t blen = strlen(base);
    if (blen + OUT_SUFFIX_MAX <= 255) {
        char *b = join(dir, "/", rel);
        char *name = b ? join(b, suffix, "") : NULL;
        free(b);
        return name;
    }
    uint64_t h = 1469598103934665603u; /* FNV-1a over the whole relative name */
    for (const char *p = rel; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    size_t keep = 255 - OUT_SUFFIX_MAX - 17;
    size_t dirpart = (size_t)(base - rel);
    char *cut = malloc(dirpart + keep + 18);
    if (!cut)
        return NULL;
    memcpy(cut, rel, dirpart + keep);
    snprintf(cut + dirpart + keep, 18, "~%016llx", (unsigned long long)h);
    char *b = join(dir, "/", cut);
    char *name = b ? join(b, suffix, "") : NULL;
    free(b);
    free(cut);
    return name;
}

static int bout_write_raw(void *ctx, const void *buf, size_t len);

int bout_open(batch_run *r, bout *o, const char *area, const char *rel, const char *suffix,
              int converted)
{
    int gz = converted && r->gzip;
    memset(o, 0, sizeof o[0]);
    char tmp[64], zsuffix[OUT_SUFFIX_MAX];
    snprintf(tmp, sizeof tmp, "/%ld-%lu.tmp", (long)getpid(), r->tmp_seq++);
    snprintf(zsuffix, sizeof zsuffix, "%s.gz", suffix);
    o->tmp = join(r->out, "/" BATCH_STATE_DIR "/tmp", tmp);
    char *a = join(r->out, "/", area);
    o->final = a ? out_name(a, rel, gz ? zsuffix : suffix) : NULL;
    if (converted)
        o->other = a ? out_name(a, rel, gz ? suffix : zsuffix) : NULL;
    free(a);
    if (!o->tmp || !o->final || (converted && !o->other)) {
        bout_discard(o);
        return -1;
    }
    o->f = fopen(o->tmp, "wb");
    if (!o->f) {
        bout_discard(o);
        return -1;
    }
    /* level 1: these are written once a night and read by scripts; the
     * fastest level already makes CSV and NDJSON several times smaller */
    if (gz && !(o->gz = x12_gzip_out_new(1, bout_write_raw, o, NULL))) {
        bout_discard(o);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/* Every 8 MiB written, the kernel is asked to start writing it out, so that
 * the disk works while the file is still being converted and the fsync of
 * bout_commit() waits only for the tail (a hint: its errors show up there). */
#define BOUT_WRITEBACK ((uint64_t)8 << 20)

/* The output cannot be complete: the first failure's errno is kept for the
 * message (a full disk says ENOSPC). */
static int bout_fail(bout *o)
{
    if (!o->failed)
        o->err = errno ? errno : EIO;
    o->failed = 1;
    return -1;
}

static int bout_write_raw(void *ctx, const void *buf, size_t len)
{
    bout *o = ctx;
    if (o->failed || fwrite(buf, 1, len, o->f) != len)
        return bout_fail(o);
    o->written += len;
#ifdef SYNC_FILE_RANGE_WRITE
    if (o->written - o->started >= BOUT_WRITEBACK) {
        if (fflush(o->f) != 0) /* the bytes the stream held are lost */
            return bout_fail(o);
        (void)sync_file_range(fileno(o->f), (off_t)o->started, (off_t)(o->written - o->started),
                              SYNC_FILE_RANGE_WRITE);
        o->started = o->written;
    }
#endif
    return 0;
}

int bout_write(void *ctx, const void *buf, size_t len)
{
    bout *o = ctx;
    if (!o->gz)
        return bout_write_raw(o, buf, len);
    if (o->failed)
        return -1;
    /* a failure below is bout_write_raw()'s: it has set o->failed and o->err */
    return x12_gzip_out_write(o->gz, buf, len) == 0 ? 0 : bout_fail(o);
}

int bout_commit(bout *o)
{
    if (o->gz && !o->failed && x12_gzip_out_finish(o->gz) != X12_OK)
        bout_fail(o);
    int ok = o->f && !o->failed;
    if (o->f) {
        if (fflush(o->f) != 0 || ferror(o->f) || fsync(fileno(o->f)) != 0)
            ok = 0;
        if (fclose(o->f) != 0)
            ok = 0;
        o->f = NULL;
    }
    if (ok && batch_mkdirs(o->final) != 0)
        ok = 0;
    if (ok && rename(o->tmp, o->final) != 0)
        ok = 0;
    /* the same output of a run with(out) --gzip is now stale */
    if (ok && o->other && unlink(o->other) != 0 && errno != ENOENT)
        ok = 0;
    /* the first failure says why: a write before, or what failed here */
    int e = o->failed && o->err ? o->err : errno;
    bout_discard(o);
    errno = e;
    return ok ? 0 : -1;
}

void bout_discard(bout *o)
{
    x12_gzip_out_free(o->gz);
    o->gz = NULL;
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    free(o->final);
    free(o->other);
    o->tmp = o->final = o->other = NULL;
}
