/* x12 split: streams segments into one standalone interchange per
 * interchange, group or transaction set of the input.  Headers are copied as
 * read; trailers are rebuilt from counts, and written even when the input
 * lacks them.  Only the current ISA and GS are kept.  A set the input ends
 * inside is never written: with trailers rebuilt it would pass for whole
 * (x12_split_finish()). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "x12/split.h"
#include "internal.h"

struct x12_split {
    x12_split_by by;
    const x12_allocator *al;
    char *dir, *stem;
    x12_error err;
    x12_status fatal;
    x12_split_stats st;

    char *isa; size_t isa_len, isa_cap;
    char *gs; size_t gs_len, gs_cap;
    /* the control numbers, as the input has them (any bytes, any length: a
     * trailer must repeat them exactly) */
    char *isa13; size_t isa13_len, isa13_cap;
    char *gs06; size_t gs06_len, gs06_cap;
    char *st02; size_t st02_len, st02_cap;
    char el, term;          /* delimiters of the current interchange */
    uint32_t ni, ng, nt;    /* ordinals: interchange in input, group in interchange, set in group */
    uint32_t na;            /* TA1s of the interchange written apart (by group or set) */
    int in_isa, in_gs, in_st;
    int replace;            /* an existing output may be replaced (else it is an error) */

    FILE *out;
    char *tmp, *name;       /* the output being written (tmp) and its final name */
    uint32_t out_groups, group_sets, set_segs;
    uint32_t set_put;       /* segments of the current set written (a TA1 in it too) */
    /* where the current set and group start in the output (to take a set the
     * input ends inside back out of it), and where the set is in the input */
    long set_out_off, group_out_off;
    x12_error cut;          /* X12_ERR_SPLIT_CUT of the last set left out */
    uint32_t left_out;      /* sets left out so far */
    int group_left, isa_left; /* the current group / interchange had a set left out */
    uint64_t st_off;
    uint32_t st_index;
};

static char *al_strdup(const x12_allocator *al, const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = x12__alloc(al, n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static x12_status fail(x12_split *s, x12_status code, const char *what, const char *path, int e)
{
    if (s->fatal)
        return s->fatal;
    s->fatal = code;
    memset(&s->err, 0, sizeof s->err);
    s->err.code = code;
    s->err.msg = x12_status_message(code);
    snprintf(s->err.detail, sizeof s->err.detail, "%s %.60s%s%s", what, path ? path : "",
             e ? ": " : "", e ? strerror(e) : "");
    return code;
}

static x12_status keep(x12_split *s, char **buf, size_t *len, size_t *cap, x12_slice raw)
{
    if (raw.len + 1 > *cap) {
        char *n = x12__realloc(s->al, *buf, raw.len + 1);
        if (!n)
            return fail(s, X12_ERR_NOMEM, "no memory for a header", NULL, 0);
        *buf = n;
        *cap = raw.len + 1;
    }
    if (raw.len)
        memcpy(*buf, raw.ptr, raw.len);
    *len = raw.len;
    return X12_OK;
}

/* Keeps element `pos` of seg (the control number a trailer repeats). */
static x12_status keep_el(x12_split *s, char **buf, size_t *len, size_t *cap,
                          const x12_segment *seg, unsigned pos)
{
    return keep(s, buf, len, cap, x12_segment_element(seg, pos));
}

/* --- output files -------------------------------------------------------------- */

static x12_status put(x12_split *s, const char *p, size_t n)
{
    if (s->fatal)
        return s->fatal;
    if (!s->out)
        return X12_OK;
    if (fwrite(p, 1, n, s->out) != n || fputc(s->term, s->out) == EOF)
        return fail(s, X12_ERR_SPLIT_OUTPUT, "cannot write", s->tmp, errno);
    s->st.segments++;
    return X12_OK;
}

static x12_status open_out(x12_split *s, int ta1)
{
    if (s->fatal)
        return s->fatal;
    char base[96];
    if (ta1)
        snprintf(base, sizeof base, ".i%04u.a%04u.x12", (unsigned)s->ni, (unsigned)s->na);
    else if (s->by == X12_SPLIT_INTERCHANGE)
        snprintf(base, sizeof base, ".i%04u.x12", (unsigned)s->ni);
    else if (s->by == X12_SPLIT_GROUP)
        snprintf(base, sizeof base, ".i%04u.g%04u.x12", (unsigned)s->ni, (unsigned)s->ng);
    else
        snprintf(base, sizeof base, ".i%04u.g%04u.t%04u.x12", (unsigned)s->ni, (unsigned)s->ng,
                 (unsigned)s->nt);
    size_t n = strlen(s->dir) + strlen(s->stem) + strlen(base) + 8;
    s->name = x12__alloc(s->al, n);
    s->tmp = x12__alloc(s->al, n + 6);
    if (!s->name || !s->tmp)
        return fail(s, X12_ERR_NOMEM, "no memory for a file name", NULL, 0);
    snprintf(s->name, n, "%s/%s%s", s->dir, s->stem, base);
    snprintf(s->tmp, n + 6, "%s.part", s->name);
    /* another input of the same stem split into the same folder: its files
     * are not overwritten (checked again, atomically, when this one is done) */
    if (!s->replace && access(s->name, F_OK) == 0)
        return fail(s, X12_ERR_SPLIT_OUTPUT, "will not replace", s->name, EEXIST);
    s->out = fopen(s->tmp, "wb");
    if (!s->out)
        return fail(s, X12_ERR_SPLIT_OUTPUT, "cannot create", s->tmp, errno);
    s->out_groups = 0;
    return X12_OK;
}

static void drop_names(x12_split *s)
{
    x12__free(s->al, s->name);
    x12__free(s->al, s->tmp);
    s->name = s->tmp = NULL;
}

static x12_status close_out(x12_split *s)
{
    if (!s->out) {
        drop_names(s);
        return s->fatal;
    }
    int bad = fclose(s->out) != 0;
    int e = errno;
    s->out = NULL;
    if (s->fatal || bad) {
        remove(s->tmp);
        if (bad)
            fail(s, X12_ERR_SPLIT_OUTPUT, "cannot write", s->tmp, e);
        drop_names(s);
        return s->fatal;
    }
    int placed;
    if (s->replace) {
        placed = rename(s->tmp, s->name) == 0;
    } else {
        /* link() never replaces: EEXIST if the name appeared meanwhile (a
         * file system without hard links gets the check and a rename) */
        placed = link(s->tmp, s->name) == 0;
        if (!placed && (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP)) {
            if (access(s->name, F_OK) == 0)
                errno = EEXIST;
            else
                placed = rename(s->tmp, s->name) == 0;
        }
        if (placed)
            remove(s->tmp);
    }
    if (!placed) {
        int le = errno;
        fail(s, X12_ERR_SPLIT_OUTPUT, le == EEXIST ? "will not replace" : "cannot rename",
             le == EEXIST ? s->name : s->tmp, le);
        remove(s->tmp);
    } else {
        s->st.files++;
    }
    drop_names(s);
    return s->fatal;
}

/* 1 when raw (may be NULL) is "ID*count*control" for this count. */
static int trailer_is(const x12_split *s, const char *id, uint32_t count, const char *ctl,
                      size_t ctl_len, const x12_slice *raw)
{
    char head[32];
    int n = snprintf(head, sizeof head, "%s%c%u%c", id, s->el, (unsigned)count, s->el);
    return raw && raw->len == (size_t)n + ctl_len && memcmp(raw->ptr, head, (size_t)n) == 0 &&
           (ctl_len == 0 || memcmp(raw->ptr + n, ctl, ctl_len) == 0);
}

/* Writes a trailer "ID*count*control"; counts it as fixed when the input's
 * (raw, may be NULL when missing) differs. */
static x12_status trailer(x12_split *s, const char *id, uint32_t count, const char *ctl,
                          size_t ctl_len, const x12_slice *raw)
{
    if (!trailer_is(s, id, count, ctl, ctl_len, raw))
        s->st.trailers_fixed++;
    if (s->fatal)
        return s->fatal;
    if (!s->out)
        return X12_OK;
    char head[32];
    int n = snprintf(head, sizeof head, "%s%c%u%c", id, s->el, (unsigned)count, s->el);
    if (fwrite(head, 1, (size_t)n, s->out) != (size_t)n ||
        (ctl_len && fwrite(ctl, 1, ctl_len, s->out) != ctl_len) || fputc(s->term, s->out) == EOF)
        return fail(s, X12_ERR_SPLIT_OUTPUT, "cannot write", s->tmp, errno);
    s->st.segments++;
    return X12_OK;
}

/* --- units ------------------------------------------------------------------------ */

static void write_headers(x12_split *s, int with_gs)
{
    put(s, s->isa, s->isa_len);
    if (with_gs) {
        put(s, s->gs, s->gs_len);
        s->out_groups = 1;
    }
}

static void end_set(x12_split *s, const x12_slice *raw)
{
    trailer(s, "SE", s->set_segs + 1, s->st02, s->st02_len, raw);
    s->in_st = 0;
    if (s->by == X12_SPLIT_TRANSACTION) {
        trailer(s, "GE", 1, s->gs06, s->gs06_len, NULL);
        trailer(s, "IEA", 1, s->isa13, s->isa13_len, NULL);
        /* those two are rebuilt by design, not repairs */
        s->st.trailers_fixed -= 2;
        close_out(s);
    }
}

static void leave_out_set(x12_split *s, int at_end);
static void discard_out(x12_split *s);
static int cut_back(x12_split *s, long off);

static void end_group(x12_split *s, const x12_slice *raw)
{
    if (s->in_st)
        leave_out_set(s, 0); /* a GE, GS, ISA or IEA came before its SE */
    s->in_gs = 0;
    if (s->by == X12_SPLIT_TRANSACTION) {
        if (raw && !s->fatal) {
            /* GE checked against the sets counted, though each file has its own */
            if (!trailer_is(s, "GE", s->nt, s->gs06, s->gs06_len, raw))
                s->st.trailers_fixed++;
        } else if (!raw) {
            s->st.trailers_fixed++;
        }
        return;
    }
    if (s->group_sets == 0 && s->group_left) {
        /* every set of it was left out: the group is not written (its own
         * file, or its GS taken back out of the interchange's) */
        if (s->by == X12_SPLIT_GROUP) {
            if (s->out)
                s->st.segments -= 2; /* ISA, GS */
            discard_out(s);
        } else if (cut_back(s, s->group_out_off) == 0) {
            s->st.segments--;
            s->out_groups--;
        }
        return;
    }
    trailer(s, "GE", s->group_sets, s->gs06, s->gs06_len, raw);
    if (s->by == X12_SPLIT_GROUP) {
        trailer(s, "IEA", 1, s->isa13, s->isa13_len, NULL);
        s->st.trailers_fixed--;
        close_out(s);
    }
}

static void end_interchange(x12_split *s, const x12_slice *raw)
{
    if (s->in_gs)
        end_group(s, NULL);
    s->in_isa = 0;
    if (s->by == X12_SPLIT_INTERCHANGE && s->out_groups == 0 && s->isa_left) {
        /* every group of it was left out: no file */
        if (s->out)
            s->st.segments--; /* ISA */
        discard_out(s);
    } else if (s->by == X12_SPLIT_INTERCHANGE) {
        trailer(s, "IEA", s->out_groups, s->isa13, s->isa13_len, raw);
        close_out(s);
    } else if (!raw || !trailer_is(s, "IEA", s->ng, s->isa13, s->isa13_len, raw)) {
        /* each file has its own IEA; the input's is checked against the
         * groups read, as the GE is against the sets (it was not: a wrong
         * IEA went uncounted when split by group or by transaction) */
        s->st.trailers_fixed++;
    }
}

x12_status x12_split_segment(x12_split *s, const x12_segment *seg)
{
    if (s->fatal)
        return s->fatal;
    x12_slice id = seg->id;
    if (x12_slice_eq(id, "ISA")) {
        if (s->in_isa)
            end_interchange(s, NULL);
        if (keep(s, &s->isa, &s->isa_len, &s->isa_cap, seg->raw) != X12_OK)
            return s->fatal;
        s->in_isa = 1;
        s->isa_left = 0;
        s->ni++;
        s->ng = 0;
        s->na = 0;
        s->st.interchanges++;
        s->el = seg->delims.element;
        s->term = seg->delims.segment;
        if (keep_el(s, &s->isa13, &s->isa13_len, &s->isa13_cap, seg, 13) != X12_OK)
            return s->fatal;
        if (s->by == X12_SPLIT_INTERCHANGE && open_out(s, 0) == X12_OK)
            write_headers(s, 0);
    } else if (x12_slice_eq(id, "GS")) {
        if (!s->in_isa) {
            s->st.skipped++;
            return X12_OK;
        }
        if (s->in_gs)
            end_group(s, NULL);
        if (keep(s, &s->gs, &s->gs_len, &s->gs_cap, seg->raw) != X12_OK)
            return s->fatal;
        s->in_gs = 1;
        s->group_left = 0;
        s->ng++;
        s->nt = 0;
        s->group_sets = 0;
        s->st.groups++;
        if (keep_el(s, &s->gs06, &s->gs06_len, &s->gs06_cap, seg, 6) != X12_OK)
            return s->fatal;
        s->group_out_off = s->out ? ftell(s->out) : -1;
        if (s->by == X12_SPLIT_GROUP) {
            if (open_out(s, 0) == X12_OK)
                write_headers(s, 1);
        } else if (s->by == X12_SPLIT_INTERCHANGE) {
            put(s, seg->raw.ptr, seg->raw.len);
            s->out_groups++;
        }
    } else if (x12_slice_eq(id, "ST")) {
        if (!s->in_gs) {
            s->st.skipped++;
            return X12_OK;
        }
        if (s->in_st)
            leave_out_set(s, 0); /* this ST came before its SE */
        s->in_st = 1;
        s->nt++;
        s->st.sets++;
        if (keep_el(s, &s->st02, &s->st02_len, &s->st02_cap, seg, 2) != X12_OK)
            return s->fatal;
        if (s->by == X12_SPLIT_TRANSACTION) {
            if (open_out(s, 0) == X12_OK)
                write_headers(s, 1);
        }
        s->set_out_off = s->out ? ftell(s->out) : -1;
        s->st_off = seg->byte_offset;
        s->st_index = seg->segment_index;
        s->group_sets++;
        s->set_segs = s->set_put = 1;
        put(s, seg->raw.ptr, seg->raw.len);
    } else if (x12_slice_eq(id, "SE")) {
        if (!s->in_st) {
            s->st.skipped++;
            return X12_OK;
        }
        end_set(s, &seg->raw);
    } else if (x12_slice_eq(id, "GE")) {
        if (!s->in_gs) {
            s->st.skipped++;
            return X12_OK;
        }
        end_group(s, &seg->raw);
    } else if (x12_slice_eq(id, "IEA")) {
        if (!s->in_isa) {
            s->st.skipped++;
            return X12_OK;
        }
        end_interchange(s, &seg->raw);
    } else if (s->in_st) {
        /* counted as the reader counts a set's segments (SE01): a TA1 inside
         * the set (set_position 0, an envelope error of the input's) is
         * written where it was but not counted */
        s->set_segs += seg->set_position != 0;
        s->set_put++;
        put(s, seg->raw.ptr, seg->raw.len);
    } else if (s->in_isa && s->by == X12_SPLIT_INTERCHANGE) {
        put(s, seg->raw.ptr, seg->raw.len); /* TA1, or what stands between the sets */
    } else if (s->in_isa && !s->in_gs && x12_slice_eq(id, "TA1")) {
        /* a TA1 (an interchange acknowledgement) belongs to no group or set:
         * split by those it is a standalone interchange of its own, ISA TA1
         * IEA*0, so that no shard loses it (it was skipped) */
        s->na++;
        if (open_out(s, 1) == X12_OK) {
            put(s, s->isa, s->isa_len);
            put(s, seg->raw.ptr, seg->raw.len);
            trailer(s, "IEA", 0, s->isa13, s->isa13_len, NULL);
            s->st.trailers_fixed--; /* rebuilt by design, not a repair */
            close_out(s);
        }
    } else {
        s->st.skipped++;
    }
    return s->fatal;
}

/* Removes the output being written: it would hold nothing whole. */
static void discard_out(x12_split *s)
{
    if (s->out) {
        fclose(s->out);
        s->out = NULL;
        remove(s->tmp);
    }
    drop_names(s);
}

/* Cuts the output back to `off` (where what is taken out began). */
static int cut_back(x12_split *s, long off)
{
    if (!s->out || off < 0)
        return -1;
    if (fflush(s->out) != 0 || ftruncate(fileno(s->out), (off_t)off) != 0 ||
        fseek(s->out, off, SEEK_SET) != 0) {
        fail(s, X12_ERR_SPLIT_OUTPUT, "cannot write", s->tmp, errno);
        return -1;
    }
    return 0;
}

/* A set its SE does not close (the input ends inside it, `at_end`, or a GE,
 * GS, ST, ISA or IEA comes first: a cut file with another after it) may lack
 * segments, and with its trailers rebuilt it would pass for whole, so it is
 * left out of the output: its own file is not written; a group or
 * interchange is written without it, and not at all when nothing else is in
 * it (decided when the group or interchange ends). */
static void leave_out_set(x12_split *s, int at_end)
{
    memset(&s->cut, 0, sizeof s->cut);
    s->cut.code = X12_ERR_SPLIT_CUT;
    s->cut.msg = x12_status_message(X12_ERR_SPLIT_CUT);
    s->cut.byte_offset = s->st_off;
    s->cut.segment_index = s->st_index;
    s->cut.set_position = 1;
    memcpy(s->cut.segment_id, "ST", 3);
    snprintf(s->cut.detail, sizeof s->cut.detail, "ST02 %.*s, set %u of group %u of interchange %u%s",
             (int)(s->st02_len < 15 ? s->st02_len : 15), s->st02, (unsigned)s->nt,
             (unsigned)s->ng, (unsigned)s->ni,
             at_end ? "" : ": no SE before the next envelope");
    s->left_out++;
    s->group_left = s->isa_left = 1;
    s->in_st = 0;
    if (s->by == X12_SPLIT_TRANSACTION) {
        if (s->out)
            s->st.segments -= s->set_put + 2; /* with its ISA and GS */
        discard_out(s);
        return;
    }
    s->group_sets--;
    if (cut_back(s, s->set_out_off) == 0)
        s->st.segments -= s->set_put;
}

x12_status x12_split_finish(x12_split *s)
{
    if (s->in_st && !s->fatal)
        leave_out_set(s, 1);
    if (s->in_isa && !s->fatal)
        end_interchange(s, NULL);
    return s->fatal;
}

int x12_split_left_out(const x12_split *s, x12_error *out)
{
    if (s->left_out && out)
        *out = s->cut;
    return (int)s->left_out;
}

x12_split *x12_split_new(x12_split_by by, const char *dir, const char *stem,
                         const x12_allocator *alloc, x12_error *err)
{
    if (err) {
        memset(err, 0, sizeof *err);
        err->msg = x12_status_message(X12_OK);
    }
    if (!dir || !dir[0] || (int)by < 0 || by > X12_SPLIT_TRANSACTION || (stem && !stem[0])) {
        if (err) {
            err->code = X12_ERR_USAGE;
            err->msg = x12_status_message(X12_ERR_USAGE);
            snprintf(err->detail, sizeof err->detail, "split needs a folder, a stem and a unit");
        }
        return NULL;
    }
    x12_split *s = x12__alloc(alloc, sizeof *s);
    if (s) {
        memset(s, 0, sizeof *s);
        s->by = by;
        s->al = alloc;
        s->el = '*';
        s->term = '~';
        s->err.msg = x12_status_message(X12_OK);
        s->dir = al_strdup(alloc, dir);
        s->stem = al_strdup(alloc, stem ? stem : "stdin");
        if (s->dir && s->stem)
            return s;
        x12_split_free(s);
    }
    if (err) {
        err->code = X12_ERR_NOMEM;
        err->msg = x12_status_message(X12_ERR_NOMEM);
    }
    return NULL;
}

void x12_split_set_replace(x12_split *s, int replace)
{
    s->replace = replace != 0;
}

void x12_split_get_stats(const x12_split *s, x12_split_stats *out)
{
    *out = s->st;
}

const x12_error *x12_split_error(const x12_split *s)
{
    return &s->err;
}

void x12_split_free(x12_split *s)
{
    if (!s)
        return;
    discard_out(s);
    x12__free(s->al, s->isa);
    x12__free(s->al, s->gs);
    x12__free(s->al, s->isa13);
    x12__free(s->al, s->gs06);
    x12__free(s->al, s->st02);
    x12__free(s->al, s->dir);
    x12__free(s->al, s->stem);
    x12__free(s->al, s);
}

/* --- one file -------------------------------------------------------------------- */

typedef struct split_ctx {
    x12_split *s;
    void (*on_error)(void *ctx, const x12_error *e);
    void *ctx;
    int left_out; /* sets left out, as said to on_error */
} split_ctx;

/* Passes a set left out to on_error as it happens. */
static void said_left_out(split_ctx *c)
{
    x12_error cut;
    int n = x12_split_left_out(c->s, &cut);
    if (n != c->left_out) {
        c->left_out = n;
        if (c->on_error)
            c->on_error(c->ctx, &cut);
    }
}

static int on_segment(void *ctx, const x12_segment *seg)
{
    split_ctx *c = ctx;
    x12_status st = x12_split_segment(c->s, seg);
    said_left_out(c);
    return st != X12_OK;
}

static void on_err(void *ctx, const x12_error *e)
{
    split_ctx *c = ctx;
    if (c->on_error)
        c->on_error(c->ctx, e);
}

/* "dir/claims.x12.gz" -> "claims" */
static void stem_of(const char *path, char *out, size_t cap)
{
    if (!path || !strcmp(path, "-")) {
        snprintf(out, cap, "stdin");
        return;
    }
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, cap, "%s", b);
    static const char *const EXT[] = {".x12", ".edi", ".txt", ".dat", ".X12", ".EDI", ".TXT", ".DAT"};
    size_t n = strlen(out);
    if (n > 3 && !strcmp(out + n - 3, ".gz"))
        out[n -= 3] = '\0';
    for (size_t i = 0; i < sizeof EXT / sizeof EXT[0]; i++)
        if (n > 4 && !strcmp(out + n - 4, EXT[i])) {
            out[n - 4] = '\0';
            break;
        }
    if (!out[0])
        snprintf(out, cap, "input");
}

x12_status x12_split_file(const char *path, const x12_reader_options *ropts, x12_split_by by,
                          const char *dir, void (*on_error)(void *ctx, const x12_error *e),
                          void *ctx, x12_split_stats *stats, x12_error *err)
{
    return x12_split_file_flags(path, ropts, by, dir, 0, on_error, ctx, stats, err);
}

x12_status x12_split_file_flags(const char *path, const x12_reader_options *ropts,
                                x12_split_by by, const char *dir, unsigned flags,
                                void (*on_error)(void *ctx, const x12_error *e), void *ctx,
                                x12_split_stats *stats, x12_error *err)
{
    char stem[256];
    stem_of(path, stem, sizeof stem);
    x12_error local;
    if (!err)
        err = &local;
    split_ctx c = {NULL, on_error, ctx, 0};
    c.s = x12_split_new(by, dir, stem, ropts ? ropts->alloc : NULL, err);
    if (!c.s)
        return err->code;
    x12_split_set_replace(c.s, (flags & X12_SPLIT_REPLACE) != 0);
    x12_reader_callbacks cb = {on_segment, on_err};
    x12_status st = x12_read_file(path, ropts, &cb, &c);
    if (st == X12_ERR_STOPPED || st == X12_OK) {
        x12_status fs = st == X12_OK ? x12_split_finish(c.s) : x12_split_error(c.s)->code;
        st = fs;
        if (st == X12_OK)
            said_left_out(&c);
        if (st != X12_OK)
            *err = *x12_split_error(c.s);
    } else {
        memset(err, 0, sizeof *err);
        err->code = st;
        err->msg = x12_status_message(st);
    }
    if (stats)
        x12_split_get_stats(c.s, stats);
    x12_split_free(c.s);
    return st;
}
