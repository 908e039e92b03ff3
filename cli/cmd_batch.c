/* x12 batch: the nightly job over an inbox folder (docs/batch.md).  Finds the
 * files, identifies them (content hash, X12 or not), skips what an earlier
 * run did, processes the rest in worker processes (batch_file.c), matches
 * the ledger once and writes the run summary. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <x12/ledger.h>
#include <x12/spec.h>

#include "batch.h"
#include "cli.h"

static const char HELP[] =
    "usage: x12 batch --in DIR --out DIR [--db LEDGER] [--jobs N] [--ack] [--quiet]\n"
    "                 [--spec OVERLAY]... [--nearest-guide] [--gzip] [--utf8] [options]\n"
    "\n"
    "The nightly job.  Every file under DIR that holds X12 (recognised by content, any\n"
    "name, gzip read transparently) is validated, converted (837 -> claims JSON; 835 ->\n"
    "CSV and NDJSON rows at claim, line, adjustment and plb level; 277CA -> status rows;\n"
    "a received 999/TA1 -> the records of x12 ack-report --json), ingested into the\n"
    "reconciliation ledger and, with --ack, answered with 999/TA1 acknowledgements; the\n"
    "ledger is matched once at the end and a summary is written.  A file that cannot be\n"
    "read is copied to OUT/quarantine/ with an error report.  Outputs are renamed into\n"
    "place only when complete; a re-run skips files already done (SHA-256 of the\n"
    "content) and resumes cleanly after a crash.  Layout: docs/batch.md.\n"
    "\n"
    "  --in DIR         the inbox (read only; subfolders included, hidden files not)\n"
    "  --out DIR        outputs, summary.json, summary.txt and the state of the runs\n"
    "  --db LEDGER      the SQLite ledger (default OUT/x12-ledger.sqlite)\n"
    "  --jobs N         N worker processes (default 1)\n"
    "  --ack            write a 999 and TA1 for each file to OUT/acks/\n"
    "  --quiet          no summary on standard output and no progress bar\n"
    "  --spec OVERLAY   a companion-guide overlay for validation (as x12 validate)\n"
    "  --nearest-guide  validate (and acknowledge) a set of another version of a guide\n"
    "                   x12kit has against that guide, as x12 validate does\n"
    "  --gzip           gzip the claims, rows and findings (names end in .gz); the\n"
    "                   acknowledgements stay plain X12\n"
    "  --utf8           write the text of the 835 and 277CA CSV rows as UTF-8, a byte\n"
    "                   that is not UTF-8 read as ISO-8859-1 (as x12 835 --utf8; the\n"
    "                   NDJSON rows are UTF-8 always)\n"
    "\n"
    "A progress bar (files, MB/s, time left) is drawn on standard error when it is a\n"
    "terminal.\n"
    "Exit status: 0 every file fine; 1 a file failed, was quarantined or had error\n"
    "findings, or a folder inside DIR could not be read (the rest is done); 2 usage or\n"
    "I/O error (for example an output folder that is not writable).\n\n";


/* --- scan ----------------------------------------------------------------- */

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct scan {
    batch_run *r;
    size_t cap;
    dev_t out_dev;
    ino_t out_ino;
    int have_out;
    dir_id *seen; /* every folder read so far: a folder reached again through a
                     symbolic link is not read again (two links to "." would
                     otherwise make the walk exponential) */
    size_t nseen, seen_cap;
    size_t unread_cap;
    dir_id ledger[4]; /* the ledger and its -wal, -shm and -journal files, when --db is in
                         the inbox: the batch's own files, not inputs */
    size_t nledger;
} scan;

/* 1 when the folder was read already, 0 when it is new (now remembered), -1 no memory. */
static int seen_dir(scan *s, const struct stat *st)
{
    for (size_t i = 0; i < s->nseen; i++)
        if (s->seen[i].dev == st->st_dev && s->seen[i].ino == st->st_ino)
            return 1;
    if (s->nseen == s->seen_cap) {
        size_t cap = s->seen_cap ? 2 * s->seen_cap : 16;
        dir_id *n = realloc(s->seen, cap * sizeof *n);
        if (!n)
            return -1;
        s->seen = n;
        s->seen_cap = cap;
    }
    s->seen[s->nseen].dev = st->st_dev;
    s->seen[s->nseen].ino = st->st_ino;
    s->nseen++;
    return 0;
}

static int add_file(scan *s, const char *path, const char *rel, const struct stat *st)
{
    batch_run *r = s->r;
    if (r->nfiles == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        batch_file *f = realloc(r->files, cap * sizeof *f);
        if (!f)
            return -1;
        r->files = f;
        s->cap = cap;
    }
    batch_file *f = &r->files[r->nfiles];
    memset(f, 0, sizeof *f);
    f->path = strdup(path);
    f->rel = strdup(rel);
    f->size = (uint64_t)st->st_size;
    f->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
    f->dup_of = -1;
    if (!f->path || !f->rel) {
        free(f->path);
        free(f->rel);
        return -1;
    }
    r->nfiles++;
    return 0;
}

/* Says on standard error that `path` is not read, and keeps it for the
 * summary.  Returns 0, or -1 without memory. */
static int unread(scan *s, const char *path, const char *reason, const char *detail, int failed)
{
    batch_run *r = s->r;
    fprintf(stderr, "x12 batch: skipped %s: %s%s%s\n", path, reason, detail ? ": " : "",
            detail ? detail : "");
    if (r->nunread == s->unread_cap) {
        size_t cap = s->unread_cap ? 2 * s->unread_cap : 8;
        batch_unread *u = realloc(r->unread, cap * sizeof *u);
        if (!u)
            return -1;
        r->unread = u;
        s->unread_cap = cap;
    }
    batch_unread *u = &r->unread[r->nunread];
    memset(u, 0, sizeof *u);
    u->path = strdup(path);
    if (!u->path)
        return -1;
    u->reason = reason;
    snprintf(u->detail, sizeof u->detail, "%s", detail ? detail : "");
    u->failed = failed;
    r->nunread++;
    return 0;
}

static int walk(scan *s, const char *dir, const char *rel, int depth)
{
    if (depth > 64)
        return unread(s, dir, "more than 64 folders deep", NULL, 0);
    DIR *d = opendir(dir);
    if (!d) {
        /* the inbox itself: nothing to do; a folder inside it: the rest of
         * the inbox is still done, and the exit status says that this was not */
        if (depth == 0) {
            fprintf(stderr, "x12 batch: cannot read the folder %s: %s\n", dir, strerror(errno));
            return -1;
        }
        return unread(s, dir, "cannot read the folder", strerror(errno), 1);
    }
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ., .., hidden files, and partial uploads named .something */
        size_t n = strlen(dir) + strlen(e->d_name) + 2, m = strlen(rel) + strlen(e->d_name) + 2;
        char *p = malloc(n), *q = malloc(m);
        if (!p || !q) {
            free(p);
            free(q);
            rc = -1;
            break;
        }
        snprintf(p, n, "%s/%s", dir, e->d_name);
        snprintf(q, m, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        struct stat st;
        /* what is not read is said on standard error, never dropped silently */
        if (stat(p, &st) != 0) {
            rc = errno == ENOENT  ? unread(s, p, "a symbolic link to nothing", NULL, 0)
                 : errno == ELOOP ? unread(s, p, "a symbolic link loop", NULL, 0)
                                  : unread(s, p, "cannot read", strerror(errno), 1);
        } else if (S_ISDIR(st.st_mode)) {
            int seen = s->have_out && st.st_dev == s->out_dev && st.st_ino == s->out_ino
                           ? 1
                           : seen_dir(s, &st);
            if (seen < 0)
                rc = -1;
            else if (!seen)
                rc = walk(s, p, q, depth + 1);
        } else if (S_ISREG(st.st_mode)) {
            int own = 0;
            for (size_t k = 0; k < s->nledger && !own; k++)
                own = s->ledger[k].dev == st.st_dev && s->ledger[k].ino == st.st_ino;
            if (!own)
                rc = add_file(s, p, q, &st);
        } else {
            rc = unread(s, p, "not a file or a folder (a pipe, socket or device)", NULL, 0);
        }
        free(p);
        free(q);
    }
    closedir(d);
    return rc;
}

static int by_rel(const void *a, const void *b)
{
    return strcmp(((const batch_file *)a)->rel, ((const batch_file *)b)->rel);
}

int batch_scan(batch_run *r)
{
    scan s;
    memset(&s, 0, sizeof s);
    s.r = r;
    struct stat st;
    if (stat(r->out, &st) == 0) {
        s.out_dev = st.st_dev;
        s.out_ino = st.st_ino;
        s.have_out = 1;
    }
    static const char *const LEDGER_FILES[4] = {"", "-wal", "-shm", "-journal"};
    for (int k = 0; k < 4 && r->db; k++) {
        size_t n = strlen(r->db) + 10;
        char *p = malloc(n);
        if (p && (snprintf(p, n, "%s%s", r->db, LEDGER_FILES[k]), stat(p, &st) == 0)) {
            s.ledger[s.nledger].dev = st.st_dev;
            s.ledger[s.nledger].ino = st.st_ino;
            s.nledger++;
        }
        free(p);
    }
    int rc = stat(r->in, &st) == 0 && seen_dir(&s, &st) < 0 ? -1 : walk(&s, r->in, "", 0);
    free(s.seen);
    if (rc != 0)
        return -1;
    if (r->nfiles)
        qsort(r->files, r->nfiles, sizeof r->files[0], by_rel);
    return 0;
}

/* --- the run -------------------------------------------------------------- */

static const batch_run *sort_run;
static int by_hash(const void *a, const void *b)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = memcmp(sort_run->files[i].sha, sort_run->files[j].sha, 32);
    return c ? c : (i < j ? -1 : i > j);
}

/* Marks the second and later files of the same content as duplicates, and
 * the files an earlier run did as skipped (or duplicates, under another name). */
static void classify(batch_run *r)
{
    size_t *ix = malloc((r->nfiles + 1) * sizeof *ix), n = 0;
    if (!ix)
        return;
    for (size_t i = 0; i < r->nfiles; i++)
        if (r->files[i].identified && r->files[i].outcome == BO_PENDING)
            ix[n++] = i;
    sort_run = r;
    qsort(ix, n, sizeof *ix, by_hash);
    for (size_t k = 1; k < n; k++) {
        batch_file *a = &r->files[ix[k - 1]], *b = &r->files[ix[k]];
        if (memcmp(a->sha, b->sha, 32) == 0) {
            b->outcome = BO_DUPLICATE;
            b->dup_of = a->dup_of >= 0 ? a->dup_of : (long)ix[k - 1];
        }
    }
    free(ix);
    for (size_t i = 0; i < r->nfiles; i++) {
        batch_file *f = &r->files[i];
        char *name = NULL;
        int same_options = 1;
        if (f->outcome != BO_PENDING || batch_done_read(r, f->hex, f, &name, &same_options) != 0)
            continue;
        /* the marker holds the name as JSON does (ISO-8859-1 bytes as UTF-8) */
        char *rel = cli_utf8(f->rel, strlen(f->rel));
        int same = rel && strcmp(name, rel) == 0;
        free(rel);
        if (same && !same_options) {
            /* done under other options (--ack, --nearest-guide, overlays): done
             * again, its outputs rewritten; the ledger's ingest is idempotent */
            memset(&f->counts, 0, sizeof f->counts);
            f->has_errors = 0;
            free(name);
        } else if (same) {
            f->outcome = BO_SKIPPED;
            free(name);
        } else {
            f->outcome = BO_DUPLICATE;
            f->earlier_name = name;
            memset(&f->counts, 0, sizeof f->counts);
            f->has_errors = 0;
        }
    }
}

static void free_run(batch_run *r)
{
    for (size_t i = 0; i < r->nfiles; i++) {
        free(r->files[i].path);
        free(r->files[i].rel);
        free(r->files[i].earlier_name);
    }
    free(r->files);
    for (size_t i = 0; i < r->nunread; i++)
        free(r->unread[i].path);
    free(r->unread);
    for (int k = 0; k < r->nspecs; k++)
        x12_spec_free(r->specs[k]);
    free(r->specs);
    free(r->db);
}

/* An overlay: its bytes, read once, also go into the run's options (a
 * changed overlay redoes the files done under the old one). */
static int load_spec(batch_run *r, const char *path)
{
    return cli_overlay_add("batch", r->specs, &r->nspecs, path, &r->spec_hash);
}

int cmd_batch(int argc, char **argv)
{
    batch_run r;
    memset(&r, 0, sizeof r);
    r.jobs = 1;
    r.lock_fd = -1;
    cli_common common;
    cli_common_init(&common);
    const char *db = NULL;
    r.specs = calloc(CLI_MAX_OVERLAID, sizeof *r.specs);
    if (!r.specs)
        return EXIT_USAGE;
    sha256_init(&r.spec_hash);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(HELP, stdout);
            fputs(CLI_COMMON_HELP, stdout);
            free_run(&r);
            return EXIT_FINE;
        } else if (!strcmp(a, "--in") && has) {
            r.in = argv[++i];
        } else if (!strcmp(a, "--out") && has) {
            r.out = argv[++i];
        } else if (!strcmp(a, "--db") && has) {
            db = argv[++i];
        } else if (!strcmp(a, "--jobs") && has) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 256) {
                fprintf(stderr, "x12 batch: --jobs: '%s' is not a number from 1 to 256\n", argv[i]);
                free_run(&r);
                return EXIT_USAGE;
            }
            r.jobs = (int)n;
        } else if (!strcmp(a, "--ack")) {
            r.ack = 1;
        } else if (!strcmp(a, "--quiet")) {
            r.quiet = 1;
        } else if (!strcmp(a, "--nearest-guide")) {
            r.nearest = 1;
        } else if (!strcmp(a, "--gzip")) {
            r.gzip = 1;
        } else if (!strcmp(a, "--utf8")) {
            r.utf8 = 1;
        } else if (!strcmp(a, "--spec") && has) {
            if (load_spec(&r, argv[++i]) != 0) {
                free_run(&r);
                return EXIT_USAGE;
            }
        } else {
            int rc = cli_common_option(&common, argc, argv, &i);
            if (rc == 1)
                continue;
            if (rc == 0)
                fprintf(stderr, "x12 batch: %s '%s' (see x12 batch --help)\n",
                        a[0] == '-' ? (has || strncmp(a, "--", 2) ? "unknown option or missing value"
                                                                  : "missing value for")
                                    : "unexpected argument",
                        a);
            free_run(&r);
            return EXIT_USAGE;
        }
    }
    {
        unsigned char d[32];
        char hex[65];
        sha256_final(&r.spec_hash, d);
        sha256_hex(d, hex);
        /* gzip and utf8 only when on: markers written before those options
         * existed still match a run without them */
        snprintf(r.options, sizeof r.options, "ack=%d nearest=%d specs=%.16s%s%s", r.ack,
                 r.nearest, r.nspecs ? hex : "none", r.gzip ? " gzip=1" : "",
                 r.utf8 ? " utf8=1" : "");
    }
    if (!r.in || !r.out) {
        fprintf(stderr, "x12 batch: --in DIR and --out DIR are required (see x12 batch --help)\n");
        free_run(&r);
        return EXIT_USAGE;
    }
    struct stat st;
    if (stat(r.in, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "x12 batch: --in %s: not a folder%s%s\n", r.in, errno ? ": " : "",
                errno ? strerror(errno) : "");
        free_run(&r);
        return EXIT_USAGE;
    }
    /* the outputs in the inbox itself would be read as inputs by the next run
     * (an output folder inside the inbox is fine: the walk leaves it out) */
    struct stat ost;
    if (stat(r.out, &ost) == 0 && ost.st_dev == st.st_dev && ost.st_ino == st.st_ino) {
        fprintf(stderr, "x12 batch: --out %s is the --in folder: the next run would read the "
                        "outputs as inputs (give another folder, or one inside it)\n", r.out);
        free_run(&r);
        return EXIT_USAGE;
    }
    cli_reader_options(&common, &r.ropts);
    if (db) {
        r.db = strdup(db);
    } else {
        size_t n = strlen(r.out) + sizeof "/x12-ledger.sqlite";
        r.db = malloc(n);
        if (r.db)
            snprintf(r.db, n, "%s/x12-ledger.sqlite", r.out);
    }
    if (!r.db || batch_state_open(&r) != 0) {
        batch_state_close(&r);
        free_run(&r);
        return EXIT_USAGE;
    }
    r.progress = !r.quiet && isatty(2);
    int status = EXIT_FINE;
    batch_totals t;
    memset(&t, 0, sizeof t);
    double t0 = batch_now();

    /* the ledger is created (or migrated) before any worker starts: a ledger
     * that cannot be opened is a clear error up front */
    x12_error err;
    if (x12_ledger_open(r.db, &r.ledger, &err) != X12_OK) {
        fprintf(stderr, "x12 batch: cannot open the ledger %s: %s (%s)\n", r.db, err.msg, err.detail);
        goto io_error;
    }
    if (r.jobs > 1) {
        x12_ledger_close(r.ledger);
        r.ledger = NULL;
    }
    if (batch_scan(&r) != 0)
        goto io_error;

    size_t *todo = malloc((r.nfiles + 1) * sizeof *todo), n = 0;
    if (!todo)
        goto io_error;
    for (size_t i = 0; i < r.nfiles; i++)
        todo[n++] = i;
    if (batch_pool_run(&r, BP_IDENTIFY, todo, n, NULL, NULL) != 0) {
        free(todo);
        goto io_error;
    }
    classify(&r);
    n = 0;
    batch_progress p;
    memset(&p, 0, sizeof p);
    /* claims before remittances: a payment whose claim is already in the
     * ledger is matched as it is ingested, which is cheaper than matching
     * it at the end (the outcome is the same in any order) */
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < r.nfiles; i++)
            if (r.files[i].outcome == BO_PENDING && (strcmp(r.files[i].st01, "835") == 0) == pass) {
                todo[n++] = i;
                p.total_bytes += r.files[i].size;
            }
    p.total_files = n;
    p.start = batch_now();
    if (r.ack && batch_ack_assign(&r) != 0) {
        fprintf(stderr, "x12 batch: cannot keep the acknowledgement control numbers in %s\n",
                r.out);
        free(todo);
        goto io_error;
    }
    if (batch_pool_run(&r, BP_PROCESS, todo, n, batch_progress_tick, &p) != 0) {
        free(todo);
        goto io_error;
    }
    batch_progress_end(&r, &p);
    t.bytes_read = p.done_bytes;
    free(todo);

    /* match once, then the reconciliation counts */
    if (!r.ledger && x12_ledger_open(r.db, &r.ledger, &err) != X12_OK) {
        snprintf(t.recon_error, sizeof t.recon_error, "%s %s", err.msg, err.detail);
    } else if (x12_ledger_match(r.ledger, &t.match, &err) != X12_OK ||
               x12_ledger_report(r.ledger, NULL, NULL, NULL, &t.recon, &err) != X12_OK) {
        snprintf(t.recon_error, sizeof t.recon_error, "%s %s", err.msg, err.detail);
    } else {
        t.recon_ok = 1;
    }
    x12_ledger_close(r.ledger);
    r.ledger = NULL;
    if (!t.recon_ok)
        status = EXIT_USAGE;

    t.found = r.nfiles;
    for (size_t i = 0; i < r.nfiles; i++) {
        batch_file *f = &r.files[i];
        t.by_outcome[f->outcome]++;
        if (f->outcome == BO_DONE || f->outcome == BO_SKIPPED)
            batch_counts_add(&t.counts, &f->counts);
        if (f->outcome == BO_DONE)
            t.matched_at_ingest += f->counts.ledger_matched;
        if (f->outcome == BO_DONE && f->has_errors)
            t.with_errors++;
        if (f->outcome == BO_QUARANTINED || f->outcome == BO_FAILED ||
            (f->outcome == BO_DONE && f->has_errors))
            status = cli_worst(status, EXIT_INPUT);
    }
    for (size_t i = 0; i < r.nunread; i++)
        if (r.unread[i].failed)
            status = cli_worst(status, EXIT_INPUT);
    t.elapsed = batch_now() - t0;
    if (batch_summary_write(&r, &t) != 0)
        status = EXIT_USAGE;
    if (fflush(stdout) != 0)
        status = EXIT_USAGE;
    batch_state_close(&r);
    free_run(&r);
    return status;
io_error:
    x12_ledger_close(r.ledger);
    batch_state_close(&r);
    free_run(&r);
    return EXIT_USAGE;
}
