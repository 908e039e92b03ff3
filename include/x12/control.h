/* x12kit control-number counter.
 *
 * ISA13, GS06 and ST02 of the files x12kit writes (999, TA1, ...) come from
 * one counter that persists between runs: a small text file holding the last
 * number used ("000000123\n").  Every reservation takes an exclusive lock on
 * the file (fcntl F_SETLKW), reads it, writes the new value to a temporary
 * file beside it, fsyncs it and renames it over the counter, so that two
 * processes (two nightly runs at once) never get the same number and a crash
 * never leaves a half-written counter. */
#ifndef X12_CONTROL_H
#define X12_CONTROL_H

#include <stdint.h>

#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest control number (nine digits); after it the counter wraps to 1. */
#define X12_CONTROL_MAX 999999999u

/* Reserves `n` consecutive control numbers (1 <= n <= 1000000) from the
 * counter file `path` and sets *first to the first of them.  The numbers are
 * first, first+1, ..., wrapping from 999999999 to 1 (a reservation may wrap).
 * A missing file counts as "none used yet": the first number is 1 and the
 * file is created.  The lock is held only during the call.
 *
 * Errors (err may be NULL; err->detail names the problem):
 *   X12_ERR_USAGE          path NULL or empty, first NULL, n out of range
 *   X12_ERR_CONTROL_CORRUPT the file does not hold one number 0..999999999
 *                          (it is left as it is: never silently reset)
 *   X12_ERR_CONTROL_LOCK   the lock cannot be taken: the file system refuses it,
 *                          or another process has held it for longer than
 *                          X12_CONTROL_LOCK_WAIT_MS (holders keep it for one
 *                          read and one write: a longer hold is a stuck process)
 *   X12_ERR_IO             the file or its temporary cannot be read, written,
 *                          synced or renamed (errno's text in detail) */
X12_API x12_status x12_control_reserve(const char *path, uint32_t n, uint32_t *first,
                                       x12_error *err);

/* How long x12_control_reserve() and x12_control_peek() wait for the lock. */
#define X12_CONTROL_LOCK_WAIT_MS 30000u

/* x12_control_reserve() waiting at most `wait_ms` milliseconds for the lock
 * (0: not at all). */
X12_API x12_status x12_control_reserve_wait(const char *path, uint32_t n, uint32_t *first,
                                            unsigned wait_ms, x12_error *err);

/* Reads the last number used without reserving any (0 when the file does not
 * exist).  Errors as x12_control_reserve(). */
X12_API x12_status x12_control_peek(const char *path, uint32_t *last, x12_error *err);

/* The number `k` places after `first` in counter order (wrapping past
 * 999999999 to 1): x12_control_next(999999999, 1) == 1. */
X12_API uint32_t x12_control_next(uint32_t first, uint32_t k);

#ifdef __cplusplus
}
#endif
#endif
