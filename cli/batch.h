/* x12 batch: the nightly job (docs/batch.md).  Private to the command.
 *
 * The run has four parts, each a function over the types below:
 *   scan      batch_scan()        files under --in, sorted by path
 *   identify  batch_identify()    SHA-256 of the bytes and a look at the head
 *                                 (X12 or not, first ST01), in the worker pool
 *   process   batch_process()     the stages of one file, in the worker pool:
 *                                 read (validate + convert + acknowledge in one
 *                                 pass), quarantine, ledger ingest, done-marker
 *   report    batch_summary_*()   the run summary as JSON and text
 * Only public headers are used. */
#ifndef X12_CLI_BATCH_H
#define X12_CLI_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include <x12/error.h>
#include <x12/ledger.h>
#include <x12/reader.h>
#include <x12/spec.h>
#include <x12/writer.h>

#include "sha256.h"

#define BATCH_STATE_DIR ".x12-batch"
#define BATCH_ACK_BLOCK 1000u /* control numbers set aside per input file */

typedef enum batch_outcome {
    BO_PENDING = 0,
    BO_DONE = 1,        /* read, converted, ingested (it may have error findings) */
    BO_SKIPPED = 2,     /* done in an earlier run (same content, same name) */
    BO_DUPLICATE = 3,   /* same content as another input */
    BO_QUARANTINED = 4, /* cannot be read: copied to OUT/quarantine/ with a report */
    BO_FAILED = 5       /* a stage failed (I/O, ledger): retried by the next run */
} batch_outcome;

const char *batch_outcome_name(batch_outcome o);

/* Severity columns of batch_counts.findings. */
enum { BSEV_ERROR = 0, BSEV_WARNING = 1, BSEV_INFO = 2 };

/* What one file contributed; summed over files for the summary.  Fixed size:
 * it travels through a pipe from a worker to the parent. */
typedef struct batch_counts {
    uint64_t bytes;           /* decompressed */
    uint32_t interchanges;
    uint32_t sets;
    uint32_t sets_837, sets_835, sets_277, sets_other;
    uint32_t claims;          /* 837 claims (2300 CLM) */
    uint32_t claim_payments;  /* 835 claim payments (2100 CLP) */
    int64_t billed;           /* cents: sum of CLM02 */
    int64_t paid;             /* cents: sum of CLP04 */
    uint32_t findings[8][3];  /* [SNIP type 1-7; 0 = none given][severity] */
    uint32_t rows[4];         /* 835 rows by level: claim, line, adjustment, plb */
    uint32_t ledger_added;    /* claims or claim payments added to the ledger */
    uint32_t ledger_known;    /* sets or payments already in the ledger */
    uint32_t ledger_matched;  /* claim payments matched as they were ingested */
    uint32_t acks;            /* acknowledgement interchanges written */
    uint32_t ack_accepted, ack_with_errors, ack_rejected; /* transaction sets */
    uint32_t claims_acknowledged, claims_rejected; /* 277CA claim records (2200D) */
    /* received 999s (IK5) and TA1s: the sets they accepted, accepted with
     * errors and rejected; the interchanges TA1s rejected */
    uint32_t acks_in_accepted, acks_in_with_errors, acks_in_rejected, ta1_in_rejected;
} batch_counts;

void batch_counts_add(batch_counts *sum, const batch_counts *c);
uint32_t batch_counts_errors(const batch_counts *c);

/* One input file. */
typedef struct batch_file {
    char *path;          /* as found: IN/rel */
    char *rel;           /* relative to IN, '/'-separated */
    uint64_t size;       /* bytes on disk when the folder was walked */
    int64_t mtime_ns;    /* its modification time then (a change since: see stage_read) */
    unsigned char sha[32];
    char hex[65];
    int identified;      /* hash and head known */
    int is_x12;          /* an ISA after an optional BOM/whitespace (gzip inflated) */
    char st01[4];        /* first transaction set's ST01, "" when none seen */
    batch_outcome outcome;
    int has_errors;      /* error findings (done files) */
    long dup_of;         /* index of the first file with the same content, or -1 */
    char *earlier_name;  /* BO_DUPLICATE of a file done in an earlier run */
    batch_counts counts;
    x12_error where;     /* quarantined / failed: the first error, positions */
    char reason[200];    /* quarantined / failed: what went wrong */
    /* left to batch_finish() (the ledger's process) by batch_process() */
    int spooled;         /* its rows are in batch_spool_path() to be added */
    int ingest837, ingest835, ingest277; /* sets of that kind to ingest by reading it again */
    uint32_t ack_base;   /* first control number of its acknowledgements */
    char ack_date[9], ack_time[5];
} batch_file;

/* A path under the inbox that was not read: a folder that cannot be read
 * (`failed`: the run's exit status says so) or one nested too deep, a pipe,
 * socket or device, a symbolic link to nothing. */
typedef struct batch_unread {
    char *path;
    const char *reason; /* static text */
    char detail[96];    /* strerror() for a folder that cannot be read */
    int failed;
} batch_unread;

/* The run's settings and shared state. */
typedef struct batch_run {
    const char *in, *out;
    char *db;            /* ledger path */
    int jobs, ack, quiet, progress;
    int nearest; /* --nearest-guide */
    int gzip;    /* --gzip: the conversions' outputs and findings gzip-compressed */
    int utf8;    /* --utf8: the 835 and 277CA CSV rows' text as UTF-8 (x12 835 --utf8) */
    /* what decides a file's outputs besides its bytes: --ack, --nearest-guide,
     * --gzip, --utf8 and the overlays (SHA-256 of their files in order), kept in each
     * done-marker; a file done under other options is done again */
    char options[96];
    sha256_ctx spec_hash;
    x12_reader_options ropts;
    x12_spec **specs;    /* --spec overlays, loaded once before the workers start */
    int nspecs;
    batch_file *files;
    size_t nfiles;
    x12_ledger *ledger;  /* per process: opened after fork */
    int lock_fd;
    unsigned long tmp_seq;
    /* what the folder walk left out (hidden names aside), for the summary */
    batch_unread *unread;
    size_t nunread;
} batch_run;

/* --- scan (cmd_batch.c) --------------------------------------------------- */

/* Lists the regular files under r->in (hidden names and OUT left out), sorted
 * by relative path.  Returns 0, or -1 with a message printed. */
int batch_scan(batch_run *r);

/* --- state and atomic outputs (batch_state.c) ----------------------------- */

/* Creates OUT and its state directory, checks that OUT is writable, takes the
 * run lock and clears temporary files a killed run left.  Returns 0 or -1
 * (message printed). */
int batch_state_open(batch_run *r);
void batch_state_close(batch_run *r);

/* OUT/.x12-batch/tmp/spool-N.tmp: the ledger rows of file N, from the
 * worker that read it to the parent that adds them (cleared with the other
 * temporary files when a killed run left one). */
char *batch_spool_path(const batch_run *r, const batch_file *f);

/* OUT/.x12-batch/done/HEX.json: the record of a file done in some run. */
int batch_done_read(const batch_run *r, const char *hex, batch_file *f, char **name,
                    int *same_options);
int batch_done_write(batch_run *r, const batch_file *f);

/* Gives every file about to be processed the first control number and the
 * date of its acknowledgements, kept in the state so that a file redone
 * after a crash gets the same ones. */
int batch_ack_assign(batch_run *r);

/* An output written to a temporary file in OUT, renamed into place by
 * bout_commit() only when complete. */
typedef struct bout {
    FILE *f;
    char *tmp, *final;
    char *other;               /* the name with or without ".gz": removed at commit */
    x12_gzip_out *gz;          /* --gzip: what is written goes through it */
    int failed;
    int err;                   /* failed: the errno of the first write that failed */
    uint64_t written, started; /* bytes written; of those, handed to writeback */
} bout;

/* An output OUT/area/rel+suffix, written to a temporary file until
 * bout_commit().  A `converted` one (claims, rows, findings) is gzip-
 * compressed under --gzip and named with ".gz" after the suffix; its twin
 * from a run with the other setting is removed when it is committed. */
int bout_open(batch_run *r, bout *o, const char *area, const char *rel, const char *suffix,
              int converted);
int bout_write(void *ctx, const void *buf, size_t len); /* an x12_write_fn */
int bout_commit(bout *o);                               /* 0, or -1 with errno */
void bout_discard(bout *o);
/* Makes the parent directories of `path` (below OUT). */
int batch_mkdirs(const char *path);

/* --- the stages of one file (batch_file.c) -------------------------------- */

/* Hash, gzip check and first ST01 of f (worker side). */
void batch_identify(const batch_run *r, batch_file *f);

/* Every stage of f but the last (worker side): read, convert, quarantine,
 * outputs in place, the ledger fed (one worker) or spooled (several); fills
 * f->outcome, counts, reason and what is left for batch_finish(). */
void batch_process(batch_run *r, batch_file *f);

/* The last stages of f, in the process that holds the ledger (the parent
 * with --jobs N): its spool added, sets of another kind ingested, then the
 * done-marker. */
void batch_finish(batch_run *r, batch_file *f);

/* --- worker pool (batch_pool.c) ------------------------------------------- */

typedef enum batch_phase { BP_IDENTIFY = 0, BP_PROCESS = 1 } batch_phase;

/* Runs `phase` over the files whose index is in todo[0..n), in r->jobs
 * forked workers (in this process when jobs is 1), copying each result back
 * into r->files.  `tick` is called in the parent after each file.  Returns 0,
 * or -1 when the workers could not be started. */
int batch_pool_run(batch_run *r, batch_phase phase, const size_t *todo, size_t n,
                   void (*tick)(batch_run *r, const batch_file *f, void *ctx), void *ctx);

/* --- summary and progress (batch_summary.c) ------------------------------- */

typedef struct batch_progress {
    double start;
    uint64_t total_bytes, done_bytes;
    size_t total_files, done_files;
    int shown;
} batch_progress;

double batch_now(void);
void batch_progress_tick(batch_run *r, const batch_file *f, void *ctx);
void batch_progress_end(batch_run *r, batch_progress *p);

typedef struct batch_totals {
    size_t found, by_outcome[6], with_errors;
    batch_counts counts;  /* files done now or earlier (not duplicates) */
    x12_ledger_match_stats match;
    uint64_t matched_at_ingest; /* by the files done in this run */
    x12_recon_totals recon;
    int recon_ok;
    char recon_error[160];
    double started, elapsed;
    uint64_t bytes_read;  /* files processed in this run */
} batch_totals;

/* Writes OUT/summary.json and OUT/summary.txt (atomically) and prints the text
 * unless quiet.  Returns 0 or -1. */
int batch_summary_write(batch_run *r, const batch_totals *t);

#endif
