/* x12kit split: one standalone file per interchange, functional group or
 * transaction set, so that any engine can shard the work.
 *
 * Each output is a valid interchange: the ISA, GS and ST of the input are kept
 * byte for byte (control numbers too) and the trailers are rebuilt with the
 * right counts (SE01 segments, GE01 sets, IEA01 groups; SE02/GE02/IEA02 equal
 * to ST02/GS06/ISA13).  A trailer the input lacks is written all the same.
 * Splitting streams: only the current ISA and GS are kept in memory.
 *
 * File names (1-based ordinals in the input, at least 4 digits):
 *   --by interchange  STEM.i0001.x12
 *   --by group        STEM.i0001.g0001.x12
 *   --by transaction  STEM.i0001.g0001.t0001.x12
 *   a TA1, by group or transaction: STEM.i0001.a0001.x12 (ISA, the TA1, IEA*0)
 * STEM is the input's base name without .gz and then without .x12, .edi,
 * .txt or .dat ("stdin" for standard input).  A file is written under a
 * temporary name and renamed when complete.  An output name that exists
 * already (another input of the same stem split into the same folder, or an
 * earlier split) is not replaced: the split stops with X12_ERR_SPLIT_OUTPUT
 * ("will not replace ...: File exists"), unless replacing is asked for
 * (x12_split_set_replace(), X12_SPLIT_REPLACE). */
#ifndef X12_SPLIT_H
#define X12_SPLIT_H

#include <stdint.h>

#include "error.h"
#include "export.h"
#include "reader.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum x12_split_by {
    X12_SPLIT_INTERCHANGE = 0,
    X12_SPLIT_GROUP = 1,
    X12_SPLIT_TRANSACTION = 2
} x12_split_by;

typedef struct x12_split_stats {
    uint32_t files;         /* output files written */
    uint32_t interchanges;  /* read */
    uint32_t groups;
    uint32_t sets;
    uint64_t segments;      /* written, envelopes included */
    uint32_t trailers_fixed;/* trailers whose count or control number was rewritten or
                               that were missing */
    uint32_t skipped;       /* segments outside the unit being split (reported by the
                               reader); a TA1 outside a group, split by group or set, is
                               a file of its own (STEM.iNNNN.aNNNN.x12), not skipped */
} x12_split_stats;

typedef struct x12_split x12_split;

/* Creates a splitter writing into the existing folder `dir`, naming files
 * after `stem` (see above; NULL = "stdin").  `alloc` NULL = libc.  Returns
 * NULL when memory runs out or an argument is NULL/invalid (err says). */
X12_API x12_split *x12_split_new(x12_split_by by, const char *dir, const char *stem,
                                 const x12_allocator *alloc, x12_error *err);

/* Passes one segment of the input (call it from the reader's segment
 * callback).  A set that an ST, GS, GE, ISA or IEA ends before its SE is
 * left out as x12_split_finish() leaves out a set the input ends inside
 * (x12_split_left_out() counts it).  Returns X12_OK, or X12_ERR_SPLIT_OUTPUT (a file could not be
 * created or written; detail names it; later calls return it again) or
 * X12_ERR_NOMEM. */
X12_API x12_status x12_split_segment(x12_split *s, const x12_segment *seg);

/* Ends the input: completes an output left open (missing trailers written).
 * A transaction set the input ends inside (no SE came) is not written: it
 * may lack segments, and with its trailers rebuilt it would pass for whole.
 * Its own file (X12_SPLIT_TRANSACTION) is not made; a group or interchange
 * is written without it, and not at all when it held nothing else.
 * x12_split_left_out() says so.  Returns as x12_split_segment(). */
X12_API x12_status x12_split_finish(x12_split *s);

/* The number of sets left out so far (0: none), with *out (may be NULL) an
 * X12_ERR_SPLIT_CUT error at the last one's ST.  x12_split_file() passes
 * each to its on_error as it happens. */
X12_API int x12_split_left_out(const x12_split *s, x12_error *out);

/* Lets the splitter replace outputs that exist already (default: refused). */
X12_API void x12_split_set_replace(x12_split *s, int replace);

X12_API void x12_split_get_stats(const x12_split *s, x12_split_stats *out);

/* The error of the last failing call. */
X12_API const x12_error *x12_split_error(const x12_split *s);

/* Frees the splitter; an output still open is removed.  NULL is a no-op. */
X12_API void x12_split_free(x12_split *s);

/* Splits the file `path` ("-" = standard input) into `dir`; reader errors go
 * to on_error (may be NULL) and do not stop the split.  Fills *stats when not
 * NULL.  Returns X12_OK, an error of x12_read_file(), or one of
 * x12_split_segment() (in err, may be NULL). */
X12_API x12_status x12_split_file(const char *path, const x12_reader_options *ropts,
                                  x12_split_by by, const char *dir,
                                  void (*on_error)(void *ctx, const x12_error *e), void *ctx,
                                  x12_split_stats *stats, x12_error *err);

/* x12_split_file() with flags: X12_SPLIT_REPLACE lets existing outputs be replaced. */
#define X12_SPLIT_REPLACE 1u
X12_API x12_status x12_split_file_flags(const char *path, const x12_reader_options *ropts,
                                        x12_split_by by, const char *dir, unsigned flags,
                                        void (*on_error)(void *ctx, const x12_error *e),
                                        void *ctx, x12_split_stats *stats, x12_error *err);

#ifdef __cplusplus
}
#endif
#endif
