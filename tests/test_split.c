/* x12_split: one standalone file per interchange, group or set, and what it
 * does with broken envelopes (trailers missing, wrong, or extra; segments
 * outside any set), with output folders that vanish or fill up, and with
 * memory running out.  Every output is read back: it must read without a
 * single reader error, and hold the set bodies of the input in order. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <x12/split.h>

#include "support.h"

/* 106 bytes with its element separators; the interchange control number is
 * the last 9 digits before the usage indicator */
#define ISA(ctl)                                                                                    \
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261127*1200*^*00501*" ctl \
    "*0*P*:~"
#define GS(ctl) "GS*FA*SENDER*RECEIVER*20261127*1200*" ctl "*X*005010X231A1~"
/* a 999 set of four segments */
#define SET(ctl) "ST*999*" ctl "*005010X231A1~AK1*HC*" ctl "~AK9*A*1*1*1~SE*4*" ctl "~"
#define BODY(ctl) "ST*999*" ctl "*005010X231A1~AK1*HC*" ctl "~AK9*A*1*1*1~"

static char dir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/x12split.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return remove_tree(dir);
}

typedef struct errlog {
    char text[1024]; /* "NAME ID\n" per error, as many as fit */
    int n;
} errlog;

static void on_error(void *ctx, const x12_error *e)
{
    errlog *l = ctx;
    size_t used = strlen(l->text);
    snprintf(l->text + used, sizeof l->text - used, "%s %s\n", x12_status_name(e->code),
             e->segment_id);
    l->n++;
}

/* Splits `text` (written to dir/in.x12) into a fresh dir/out. */
static x12_status split_text(const char *text, x12_split_by by, x12_split_stats *st, errlog *log,
                             x12_error *err)
{
    char in[300], out[300];
    snprintf(in, sizeof in, "%s/in.x12", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    assert_int_equal(remove_tree(out), 0);
    assert_int_equal(mkdir(out, 0777), 0);
    assert_int_equal(write_file(in, text, strlen(text)), 0);
    memset(log, 0, sizeof *log);
    return x12_split_file(in, NULL, by, out, on_error, log, st, err);
}

/* The outputs, sorted by name; each must read with no reader error. */
static char **outputs(size_t *n)
{
    char out[300];
    snprintf(out, sizeof out, "%s/out", dir);
    char **list = list_dir(out);
    assert_non_null(list);
    for (*n = 0; list[*n]; (*n)++) {
        size_t len;
        char *data = read_file(list[*n], &len);
        assert_non_null(data);
        char *errs = reader_errors(data, len, NULL);
        if (errs[0])
            fail_msg("%s does not read clean:\n%s", list[*n], errs);
        free(errs);
        free(data);
    }
    return list;
}

static char *contents(char **list, size_t i)
{
    size_t len;
    char *data = read_file(list[i], &len);
    assert_non_null(data);
    return data;
}

static const char *base(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static const char *const TWO_INTERCHANGES =
    ISA("000000001") GS("1") SET("0001") SET("0002") "GE*2*1~" GS("2") SET("0003") "GE*1*2~"
    "IEA*2*000000001~" ISA("000000002") GS("7") SET("0009") "GE*1*7~IEA*1*000000002~";

static void test_clean_units(void **state)
{
    (void)state;
    static const struct {
        x12_split_by by;
        size_t files;
        const char *first, *last;
    } cases[] = {
        {X12_SPLIT_INTERCHANGE, 2, "in.i0001.x12", "in.i0002.x12"},
        {X12_SPLIT_GROUP, 3, "in.i0001.g0001.x12", "in.i0002.g0001.x12"},
        {X12_SPLIT_TRANSACTION, 4, "in.i0001.g0001.t0001.x12", "in.i0002.g0001.t0001.x12"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        x12_split_stats st;
        errlog log;
        x12_error err;
        assert_int_equal(split_text(TWO_INTERCHANGES, cases[c].by, &st, &log, &err), X12_OK);
        assert_int_equal(log.n, 0);
        assert_int_equal(st.files, cases[c].files);
        assert_int_equal(st.interchanges, 2);
        assert_int_equal(st.groups, 3);
        assert_int_equal(st.sets, 4);
        assert_int_equal(st.trailers_fixed, 0);
        assert_int_equal(st.skipped, 0);
        size_t n;
        char **list = outputs(&n);
        assert_int_equal(n, cases[c].files);
        assert_string_equal(base(list[0]), cases[c].first);
        assert_string_equal(base(list[n - 1]), cases[c].last);
        /* the sets' bodies, in input order, across the files */
        strbuf all = {0};
        for (size_t i = 0; i < n; i++) {
            char *d = contents(list, i);
            sb_add(&all, d, strlen(d));
            free(d);
        }
        const char *p = all.p;
        static const char *const sets[] = {SET("0001"), SET("0002"), SET("0003"), SET("0009")};
        for (size_t s = 0; s < 4; s++) {
            p = strstr(p, sets[s]);
            if (!p)
                fail_msg("set %zu missing or out of order (case %zu)", s, c);
        }
        sb_free(&all);
        free_list(list);
    }
}

static void test_transaction_keeps_headers(void **state)
{
    (void)state;
    x12_split_stats st;
    errlog log;
    x12_error err;
    assert_int_equal(split_text(TWO_INTERCHANGES, X12_SPLIT_TRANSACTION, &st, &log, &err), X12_OK);
    size_t n;
    char **list = outputs(&n);
    char *d = contents(list, 1);
    /* ISA and GS byte for byte, trailers rebuilt for one set */
    assert_string_equal(d, ISA("000000001") GS("1") SET("0002") "GE*1*1~IEA*1*000000001~");
    free(d);
    free_list(list);
}

/* An ST whose SE never came: the set ends at the next ST, its SE written. */
/* Segments in all the outputs: what the stats say were written. */
static uint64_t segments_written(char **list, size_t n)
{
    uint64_t segs = 0;
    for (size_t i = 0; i < n; i++) {
        char *d = contents(list, i);
        for (const char *p = d; *p; p++)
            segs += *p == '~';
        free(d);
    }
    return segs;
}

/* A set whose SE never comes, ended by the next ST, GE, GS, IEA or ISA (a
 * file cut short with another after it), may lack segments: with an SE of
 * the splitter's making it would pass for whole, so it is left out
 * (X12_ERR_SPLIT_CUT at its ST, after the reader's X12_ERR_MISSING_SE), as a
 * set the input ends inside is.  Before, it was written with a new SE.  A
 * group or interchange left with nothing in it is not written. */
static void missing_se_case(const char *text, x12_split_by by, const char *expect_errors,
                            const char *const *expect_files)
{
    x12_split_stats st;
    errlog log;
    x12_error err;
    assert_int_equal(split_text(text, by, &st, &log, &err), X12_OK);
    assert_string_equal(log.text, expect_errors);
    size_t n, want = 0;
    while (expect_files[want])
        want += 2;
    want /= 2;
    char **list = outputs(&n);
    assert_int_equal(n, want);
    assert_int_equal(st.files, want);
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(base(list[i]), expect_files[2 * i]);
        char *d = contents(list, i);
        assert_string_equal(d, expect_files[2 * i + 1]);
        free(d);
    }
    assert_int_equal(st.segments, segments_written(list, n));
    free_list(list);
}

static void test_missing_se(void **state)
{
    (void)state;
    /* ended by the next ST: set 0002 is written alone */
    const char *by_st = ISA("000000003") GS("3") BODY("0001") SET("0002") "GE*2*3~IEA*1*000000003~";
    const char *st_errors = "X12_ERR_MISSING_SE ST\nX12_ERR_SPLIT_CUT ST\n";
    const char *const st_t[] = {"in.i0001.g0001.t0002.x12",
                                ISA("000000003") GS("3") SET("0002") "GE*1*3~IEA*1*000000003~", NULL};
    const char *const st_g[] = {"in.i0001.g0001.x12",
                                ISA("000000003") GS("3") SET("0002") "GE*1*3~IEA*1*000000003~", NULL};
    const char *const st_i[] = {"in.i0001.x12",
                                ISA("000000003") GS("3") SET("0002") "GE*1*3~IEA*1*000000003~", NULL};
    missing_se_case(by_st, X12_SPLIT_TRANSACTION, st_errors, st_t);
    missing_se_case(by_st, X12_SPLIT_GROUP, st_errors, st_g);
    missing_se_case(by_st, X12_SPLIT_INTERCHANGE, st_errors, st_i);

    /* ended by its GE: the group held nothing else and is not written */
    const char *by_ge = ISA("000000005") GS("5") BODY("0001") "GE*1*5~" GS("6") SET("0002")
        "GE*1*6~IEA*2*000000005~";
    const char *ge_errors = "X12_ERR_MISSING_SE GE\nX12_ERR_SPLIT_CUT ST\n";
    const char *const ge_t[] = {"in.i0001.g0002.t0001.x12",
                                ISA("000000005") GS("6") SET("0002") "GE*1*6~IEA*1*000000005~", NULL};
    const char *const ge_g[] = {"in.i0001.g0002.x12",
                                ISA("000000005") GS("6") SET("0002") "GE*1*6~IEA*1*000000005~", NULL};
    const char *const ge_i[] = {"in.i0001.x12",
                                ISA("000000005") GS("6") SET("0002") "GE*1*6~IEA*1*000000005~", NULL};
    missing_se_case(by_ge, X12_SPLIT_TRANSACTION, ge_errors, ge_t);
    missing_se_case(by_ge, X12_SPLIT_GROUP, ge_errors, ge_g);
    missing_se_case(by_ge, X12_SPLIT_INTERCHANGE, ge_errors, ge_i);

    /* ended by the next interchange's ISA: the first interchange held
     * nothing else and is not written */
    const char *by_isa = ISA("000000007") GS("7") BODY("0001") ISA("000000008") GS("8") SET("0002")
        "GE*1*8~IEA*1*000000008~";
    const char *isa_errors = "X12_ERR_MISSING_SE ISA\nX12_ERR_MISSING_GE ISA\n"
                             "X12_ERR_MISSING_IEA ISA\nX12_ERR_SPLIT_CUT ST\n";
    const char *const isa_t[] = {"in.i0002.g0001.t0001.x12",
                                 ISA("000000008") GS("8") SET("0002") "GE*1*8~IEA*1*000000008~", NULL};
    const char *const isa_g[] = {"in.i0002.g0001.x12",
                                 ISA("000000008") GS("8") SET("0002") "GE*1*8~IEA*1*000000008~", NULL};
    const char *const isa_i[] = {"in.i0002.x12",
                                 ISA("000000008") GS("8") SET("0002") "GE*1*8~IEA*1*000000008~", NULL};
    missing_se_case(by_isa, X12_SPLIT_TRANSACTION, isa_errors, isa_t);
    missing_se_case(by_isa, X12_SPLIT_GROUP, isa_errors, isa_g);
    missing_se_case(by_isa, X12_SPLIT_INTERCHANGE, isa_errors, isa_i);

    /* two sets of one group left out, the one between them kept; each
     * said where its ST is */
    const char *two = ISA("000000009") GS("9") BODY("0001") SET("0002") BODY("0003")
        "GE*3*9~IEA*1*000000009~";
    const char *const two_g[] = {"in.i0001.g0001.x12",
                                 ISA("000000009") GS("9") SET("0002") "GE*1*9~IEA*1*000000009~", NULL};
    missing_se_case(two, X12_SPLIT_GROUP,
                    "X12_ERR_MISSING_SE ST\nX12_ERR_SPLIT_CUT ST\n"
                    "X12_ERR_MISSING_SE GE\nX12_ERR_SPLIT_CUT ST\n",
                    two_g);
}

/* A file cut short in the middle of a set: SE, GE and IEA all written. */
static void test_truncated(void **state)
{
    (void)state;
    const char *text = ISA("000000004") GS("4") SET("0001") BODY("0002");
    static const x12_split_by by[] = {X12_SPLIT_INTERCHANGE, X12_SPLIT_GROUP, X12_SPLIT_TRANSACTION};
    /* The input ends inside set 0002: it may lack segments, and with its SE
     * rebuilt it would pass for whole, so it is left out (before, it was
     * written with an SE of its own making) and X12_ERR_SPLIT_CUT says so
     * at its ST.  Set 0001 is written, with the GE and IEA the input lacks. */
    for (size_t c = 0; c < 3; c++) {
        x12_split_stats st;
        errlog log;
        x12_error err;
        assert_int_equal(split_text(text, by[c], &st, &log, &err), X12_OK);
        assert_string_equal(log.text, "X12_ERR_MISSING_SE \nX12_ERR_MISSING_GE \nX12_ERR_MISSING_IEA \n"
                                      "X12_ERR_SPLIT_CUT ST\n");
        assert_int_equal(st.files, 1);
        assert_int_equal(st.trailers_fixed, 2); /* GE, IEA */
        size_t n;
        char **list = outputs(&n);
        assert_int_equal(n, 1);
        char *d = contents(list, 0);
        assert_string_equal(d, ISA("000000004") GS("4") SET("0001") "GE*1*4~IEA*1*000000004~");
        free(d);
        assert_int_equal(st.segments, segments_written(list, n));
        free_list(list);
    }
}

/* Trailers with wrong counts and control numbers are rewritten. */
static void test_wrong_trailers(void **state)
{
    (void)state;
    const char *text = ISA("000000005") GS("5") BODY("0001") "SE*9*0001~" BODY("0002")
        "SE*4*0099~GE*7*6~IEA*3*000000006~";
    x12_split_stats st;
    errlog log;
    x12_error err;
    assert_int_equal(split_text(text, X12_SPLIT_INTERCHANGE, &st, &log, &err), X12_OK);
    assert_string_equal(log.text, "X12_ERR_SE_COUNT SE\nX12_ERR_SE_CONTROL SE\nX12_ERR_GE_COUNT GE\n"
                                  "X12_ERR_GE_CONTROL GE\nX12_ERR_IEA_COUNT IEA\nX12_ERR_IEA_CONTROL IEA\n");
    assert_int_equal(st.trailers_fixed, 4);
    size_t n;
    char **list = outputs(&n);
    assert_int_equal(n, 1);
    char *d = contents(list, 0);
    assert_string_equal(d, ISA("000000005") GS("5") SET("0001") SET("0002") "GE*2*5~IEA*1*000000005~");
    free(d);
    free_list(list);
    /* by group and by transaction: each file has its own trailers, and the
     * input's wrong ones are counted all the same (the IEA was not) */
    assert_int_equal(split_text(text, X12_SPLIT_GROUP, &st, &log, &err), X12_OK);
    assert_int_equal(st.trailers_fixed, 4);
    list = outputs(&n);
    assert_int_equal(n, 1);
    free_list(list);
    /* by transaction: each file's GE names its one set, whatever the input's said */
    assert_int_equal(split_text(text, X12_SPLIT_TRANSACTION, &st, &log, &err), X12_OK);
    list = outputs(&n);
    assert_int_equal(n, 2);
    d = contents(list, 0);
    assert_string_equal(d, ISA("000000005") GS("5") SET("0001") "GE*1*5~IEA*1*000000005~");
    free(d);
    d = contents(list, 1);
    assert_string_equal(d, ISA("000000005") GS("5") SET("0002") "GE*1*5~IEA*1*000000005~");
    free(d);
    free_list(list);
    assert_int_equal(st.trailers_fixed, 4);
}

/* Trailers with no open envelope are skipped and counted; a segment between
 * the sets of a group stays in an interchange split and is skipped in the
 * others (it belongs to no set). */
static void test_outside_envelopes(void **state)
{
    (void)state;
    const char *text = ISA("000000008") GS("8") SET("0001") "SE*4*0001~AK1*HC*9~" SET("0002")
        "GE*2*8~GE*2*8~IEA*1*000000008~";
    x12_split_stats st;
    errlog log;
    x12_error err;
    assert_int_equal(split_text(text, X12_SPLIT_INTERCHANGE, &st, &log, &err), X12_OK);
    assert_string_equal(log.text, "X12_ERR_UNEXPECTED_SEGMENT SE\nX12_ERR_UNEXPECTED_SEGMENT AK1\n"
                                  "X12_ERR_UNEXPECTED_SEGMENT GE\n");
    assert_int_equal(st.skipped, 2); /* the second SE and the second GE */
    /* the interchange is re-packed as it came: its stray segment stays, and
     * is the one fault its output still has */
    char out[300];
    snprintf(out, sizeof out, "%s/out", dir);
    char **list = list_dir(out);
    assert_non_null(list);
    assert_non_null(list[0]);
    assert_null(list[1]);
    char *d = contents(list, 0);
    assert_string_equal(d, ISA("000000008") GS("8") SET("0001") "AK1*HC*9~" SET("0002")
                           "GE*2*8~IEA*1*000000008~");
    char *errs = reader_errors(d, strlen(d), NULL);
    assert_string_equal(errs, "X12_ERR_UNEXPECTED_SEGMENT segment=7 set=0 id=AK1 element=0.0 byte=218\n");
    free(errs);
    free(d);
    free_list(list);
    size_t n;

    assert_int_equal(split_text(text, X12_SPLIT_TRANSACTION, &st, &log, &err), X12_OK);
    assert_int_equal(st.skipped, 3);
    assert_int_equal(st.files, 2);
    list = outputs(&n);
    free_list(list);
}

/* A TA1 belongs to no group or set: split by those, each is a standalone
 * interchange of its own (it was skipped, and a shard never saw it). */
static void test_ta1_apart(void **state)
{
    (void)state;
    const char *text = ISA("000000005") "TA1*000000044*261126*0900*A*000~"
                       "TA1*000000045*261126*0901*R*022~" GS("5") SET("0001") SET("0002")
                       "GE*2*5~IEA*1*000000005~";
    x12_split_stats st;
    errlog log;
    x12_error err;
    for (int by = 0; by < 2; by++) {
        assert_int_equal(split_text(text, by ? X12_SPLIT_TRANSACTION : X12_SPLIT_GROUP, &st, &log,
                                    &err), X12_OK);
        assert_int_equal(log.n, 0);
        assert_int_equal(st.skipped, 0);
        assert_int_equal(st.trailers_fixed, 0);
        assert_int_equal(st.files, by ? 4 : 3);
        size_t n;
        char **list = outputs(&n);
        assert_int_equal(n, by ? 4 : 3);
        assert_string_equal(base(list[0]), "in.i0001.a0001.x12");
        assert_string_equal(base(list[1]), "in.i0001.a0002.x12");
        assert_string_equal(base(list[2]), by ? "in.i0001.g0001.t0001.x12" : "in.i0001.g0001.x12");
        char *d = contents(list, 0);
        assert_string_equal(d, ISA("000000005") "TA1*000000044*261126*0900*A*000~IEA*0*000000005~");
        free(d);
        d = contents(list, 1);
        assert_string_equal(d, ISA("000000005") "TA1*000000045*261126*0901*R*022~IEA*0*000000005~");
        free(d);
        free_list(list);
    }
    /* by interchange it stays where it was */
    assert_int_equal(split_text(text, X12_SPLIT_INTERCHANGE, &st, &log, &err), X12_OK);
    assert_int_equal(st.files, 1);
    size_t n;
    char **list = outputs(&n);
    char *d = contents(list, 0);
    assert_string_equal(d, text);
    free(d);
    free_list(list);
}

/* Sets outside a group and a group outside an interchange: nothing to put
 * them in, so they are skipped and counted, never written half-enveloped. */
static void test_no_envelope(void **state)
{
    (void)state;
    const char *text = GS("1") SET("0001") "GE*1*1~";
    x12_split_stats st;
    errlog log;
    x12_error err;
    /* the reader finds no interchange at all and says so once */
    assert_int_equal(split_text(text, X12_SPLIT_TRANSACTION, &st, &log, &err), X12_OK);
    assert_int_equal(log.n, 1);
    assert_string_equal(log.text, "X12_ERR_NOT_X12 \n");
    assert_int_equal(st.files, 0);
    size_t n;
    char **list = outputs(&n);
    assert_int_equal(n, 0);
    free_list(list);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    x12_error err;
    assert_null(x12_split_new(X12_SPLIT_GROUP, NULL, "s", NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_null(x12_split_new(X12_SPLIT_GROUP, "", "s", NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_null(x12_split_new((x12_split_by)3, dir, "s", NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_null(x12_split_new(X12_SPLIT_GROUP, dir, "", NULL, &err));
    assert_int_equal(err.code, X12_ERR_USAGE);
    assert_non_null(strstr(err.detail, "folder"));
    /* a file that is not there: the reader's error, no output */
    char out[300];
    snprintf(out, sizeof out, "%s/out", dir);
    mkdir(out, 0777);
    x12_split_stats st;
    assert_int_equal(x12_split_file("/nonexistent/x.x12", NULL, X12_SPLIT_GROUP, out, NULL, NULL,
                                    &st, &err),
                     X12_ERR_IO);
    assert_int_equal(err.code, X12_ERR_IO);
    assert_int_equal(st.files, 0);
}

/* Feeds the splitter; at the first GS another process takes the name the
 * open output will be given. */
typedef struct race_ctx {
    x12_split *s;
    const char *dir;
    int done;
} race_ctx;

static int race_segment(void *ctx, const x12_segment *seg)
{
    race_ctx *c = ctx;
    x12_split_segment(c->s, seg);
    if (!c->done && x12_slice_eq(seg->id, "GS")) {
        char p[400];
        snprintf(p, sizeof p, "%s/r.i0001.x12", c->dir);
        assert_int_equal(write_file(p, "taken", 5), 0);
        c->done = 1;
    }
    return 0;
}

typedef struct feed_ctx {
    x12_split *s;
    x12_status last;
} feed_ctx;

static int feed_segment(void *ctx, const x12_segment *seg)
{
    feed_ctx *c = ctx;
    c->last = x12_split_segment(c->s, seg);
    return 0; /* keep going: later calls must keep returning the error */
}

static x12_status feed(x12_split *s, const char *text, x12_status *last)
{
    feed_ctx c = {s, X12_OK};
    x12_reader_callbacks cb = {feed_segment, NULL};
    x12_reader *r = x12_reader_new(NULL, &cb, &c);
    assert_non_null(r);
    x12_reader_feed(r, text, strlen(text));
    x12_reader_finish(r);
    x12_reader_free(r);
    *last = c.last;
    return x12_split_finish(s);
}

/* Another input of the same stem split into the same folder: its files are
 * not replaced unless asked; nothing of the refused one is left behind. */
static void test_no_replace(void **state)
{
    (void)state;
    x12_split_stats st;
    errlog log;
    x12_error err;
    assert_int_equal(split_text(TWO_INTERCHANGES, X12_SPLIT_INTERCHANGE, &st, &log, &err), X12_OK);
    assert_int_equal(st.files, 2);
    char in[300], out[300];
    snprintf(in, sizeof in, "%s/in.x12", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    /* the same stem, other content: refused at the first name */
    const char *other = ISA("000000077") GS("77") SET("0001") "GE*1*77~IEA*1*000000077~";
    assert_int_equal(write_file(in, other, strlen(other)), 0);
    assert_int_equal(x12_split_file(in, NULL, X12_SPLIT_INTERCHANGE, out, NULL, NULL, &st, &err),
                     X12_ERR_SPLIT_OUTPUT);
    assert_int_equal(st.files, 0);
    assert_non_null(strstr(err.detail, "will not replace"));
    assert_non_null(strstr(err.detail, "in.i0001.x12"));
    assert_non_null(strstr(err.detail, strerror(EEXIST)));
    size_t n;
    char **list = outputs(&n);
    assert_int_equal(n, 2); /* no .part left */
    char *d = contents(list, 0);
    assert_non_null(strstr(d, "000000001")); /* the first split's file, untouched */
    free(d);
    free_list(list);
    /* asked to replace: replaced */
    assert_int_equal(x12_split_file_flags(in, NULL, X12_SPLIT_INTERCHANGE, out, X12_SPLIT_REPLACE,
                                          NULL, NULL, &st, &err),
                     X12_OK);
    assert_int_equal(st.files, 1);
    list = outputs(&n);
    assert_int_equal(n, 2);
    d = contents(list, 0);
    assert_string_equal(d, other);
    free(d);
    free_list(list);
    /* a name that appears while the file is written (another process): the
     * atomic check at the end refuses it too */
    snprintf(in, sizeof in, "%s/race", dir);
    assert_int_equal(mkdir(in, 0777), 0);
    x12_split *s = x12_split_new(X12_SPLIT_INTERCHANGE, in, "r", NULL, &err);
    assert_non_null(s);
    x12_reader_callbacks cb = {race_segment, NULL};
    race_ctx rc = {s, in, 0};
    x12_reader *r = x12_reader_new(NULL, &cb, &rc);
    x12_reader_feed(r, other, strlen(other));
    x12_reader_finish(r);
    x12_reader_free(r);
    assert_int_equal(x12_split_finish(s), X12_ERR_SPLIT_OUTPUT);
    assert_non_null(strstr(x12_split_error(s)->detail, "will not replace"));
    x12_split_free(s);
    char taken[400];
    snprintf(taken, sizeof taken, "%s/r.i0001.x12", in);
    size_t tl;
    char *t = read_file(taken, &tl);
    assert_non_null(t);
    assert_string_equal(t, "taken");
    free(t);
}

/* link() as a file system without hard links (FAT, some network mounts)
 * answers it: the library's calls come here (the test links with
 * --wrap=link); link_errno 0 passes them on. */
static int link_errno;
int __real_link(const char *from, const char *to);
int __wrap_link(const char *from, const char *to);
int __wrap_link(const char *from, const char *to)
{
    if (link_errno) {
        errno = link_errno;
        return -1;
    }
    return __real_link(from, to);
}

/* Without hard links the split checks the name and renames: a new name is
 * placed (no temporary left), an existing one is refused and kept; any other
 * failure of link() is an error naming the temporary, which is removed. */
static void test_no_hard_links(void **state)
{
    (void)state;
    x12_split_stats st;
    errlog log;
    x12_error err;
    link_errno = EPERM;
    assert_int_equal(split_text(TWO_INTERCHANGES, X12_SPLIT_INTERCHANGE, &st, &log, &err), X12_OK);
    assert_int_equal(st.files, 2);
    size_t n;
    char **list = outputs(&n);
    assert_int_equal(n, 2); /* no .part left */
    char *d = contents(list, 1);
    assert_non_null(strstr(d, "000000002"));
    free(d);
    free_list(list);
    /* again into the same folder: the first name exists */
    char in[300], out[300];
    snprintf(in, sizeof in, "%s/in.x12", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    link_errno = EOPNOTSUPP;
    assert_int_equal(x12_split_file(in, NULL, X12_SPLIT_INTERCHANGE, out, NULL, NULL, &st, &err),
                     X12_ERR_SPLIT_OUTPUT);
    assert_non_null(strstr(err.detail, "will not replace"));
    assert_non_null(strstr(err.detail, "in.i0001.x12"));
    assert_non_null(strstr(err.detail, strerror(EEXIST)));
    list = outputs(&n);
    assert_int_equal(n, 2);
    free_list(list);
    /* another failure (EIO): said with the temporary's name, nothing left */
    assert_int_equal(remove_tree(out), 0);
    assert_int_equal(mkdir(out, 0777), 0);
    link_errno = EIO;
    assert_int_equal(x12_split_file(in, NULL, X12_SPLIT_INTERCHANGE, out, NULL, NULL, &st, &err),
                     X12_ERR_SPLIT_OUTPUT);
    assert_non_null(strstr(err.detail, "cannot rename"));
    assert_non_null(strstr(err.detail, strerror(EIO)));
    assert_int_equal(st.files, 0);
    list = outputs(&n);
    assert_int_equal(n, 0);
    free_list(list);
    link_errno = 0;
}

/* The output folder disappears under the splitter: the first output cannot
 * be created; the error names it and sticks. */
static void test_folder_gone(void **state)
{
    (void)state;
    char out[300];
    snprintf(out, sizeof out, "%s/gone", dir);
    assert_int_equal(mkdir(out, 0777), 0);
    x12_error err;
    x12_split *s = x12_split_new(X12_SPLIT_TRANSACTION, out, "g", NULL, &err);
    assert_non_null(s);
    assert_int_equal(rmdir(out), 0);
    x12_status last;
    assert_int_equal(feed(s, TWO_INTERCHANGES, &last), X12_ERR_SPLIT_OUTPUT);
    assert_int_equal(last, X12_ERR_SPLIT_OUTPUT);
    const x12_error *e = x12_split_error(s);
    assert_int_equal(e->code, X12_ERR_SPLIT_OUTPUT);
    assert_non_null(strstr(e->detail, "cannot create"));
    assert_non_null(strstr(e->detail, "g.i0001.g0001.t0001.x12.part"));
    assert_non_null(strstr(e->detail, "No such file"));
    x12_split_stats st;
    x12_split_get_stats(s, &st);
    assert_int_equal(st.files, 0);
    x12_split_free(s);
}

/* A disk that fills up (a file size limit: writes fail with EFBIG): the
 * output being written fails with the reason, no partial file is left and
 * no later output is started.  Run in a child so that the limit stays there. */
static void test_disk_full(void **state)
{
    (void)state;
    char out[300];
    snprintf(out, sizeof out, "%s/full", dir);
    assert_int_equal(mkdir(out, 0777), 0);
    /* one set of about 20 KB: more than stdio buffers, so fwrite fails too */
    strbuf big = {0};
    sb_printf(&big, "%s", ISA("000000011") GS("11") "ST*999*0001*005010X231A1~");
    for (int i = 0; i < 1000; i++)
        sb_printf(&big, "AK2*837*%07d~", i);
    sb_printf(&big, "SE*1002*0001~GE*1*11~IEA*1*000000011~");
    sb_printf(&big, "%s", ISA("000000012") GS("12") SET("0001") "GE*1*12~IEA*1*000000012~");
    for (int where = 0; where < 2; where++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            signal(SIGXFSZ, SIG_IGN);
            /* 1: the limit lies beyond stdio's first buffer, so fwrite fails;
             * 0: inside it, so only fclose's flush does */
            struct rlimit rl = {where ? 10000 : 300, where ? 10000 : 300};
            if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
                _exit(10);
            x12_error err;
            x12_split *s = x12_split_new(X12_SPLIT_INTERCHANGE, out, "f", NULL, &err);
            if (!s)
                _exit(11);
            x12_status last;
            x12_status rc = feed(s, big.p, &last);
            const x12_error *e = x12_split_error(s);
            x12_split_stats st;
            x12_split_get_stats(s, &st);
            int ok = rc == X12_ERR_SPLIT_OUTPUT && e->code == X12_ERR_SPLIT_OUTPUT &&
                     strstr(e->detail, "cannot write") && strstr(e->detail, "f.i0001.x12.part") &&
                     strstr(e->detail, "too large") && st.files == 0;
            if (!ok)
                fprintf(stderr, "disk full (%d): rc %d files %u detail '%s'\n", where, (int)rc,
                        (unsigned)st.files, e->detail);
            x12_split_free(s);
            _exit(ok ? 0 : 12);
        }
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
        char **list = list_dir(out);
        assert_non_null(list);
        assert_null(list[0]); /* nothing left: no .part, and no second file */
        free_list(list);
    }
    sb_free(&big);
}

/* Memory running out at every allocation in turn: an error, never a crash or
 * a leak, and never a half-written file left behind. */
static void test_out_of_memory(void **state)
{
    (void)state;
    char out[300];
    snprintf(out, sizeof out, "%s/oom", dir);
    assert_int_equal(mkdir(out, 0777), 0);
    int failed = 0;
    for (long n = 1; n < 200; n++) {
        failing_alloc fa;
        failing_alloc_init(&fa, n);
        x12_error err;
        x12_split *s = x12_split_new(X12_SPLIT_TRANSACTION, out, "m", &fa.a, &err);
        if (!s) {
            assert_int_equal(err.code, X12_ERR_NOMEM);
            assert_int_equal(fa.live, 0);
            failed++;
            continue;
        }
        x12_status last;
        x12_status rc = feed(s, TWO_INTERCHANGES, &last);
        assert_true(rc == X12_OK || rc == X12_ERR_NOMEM);
        if (rc == X12_ERR_NOMEM)
            failed++;
        x12_split_free(s);
        assert_int_equal(fa.live, 0);
        char **list = list_dir(out);
        for (size_t i = 0; list[i]; i++) {
            assert_null(strstr(list[i], ".part"));
            unlink(list[i]);
        }
        free_list(list);
        if (rc == X12_OK && fa.calls < n)
            break; /* every allocation has been made to fail once */
    }
    assert_true(failed >= 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_units),
        cmocka_unit_test(test_transaction_keeps_headers),
        cmocka_unit_test(test_missing_se),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_ta1_apart),
        cmocka_unit_test(test_wrong_trailers),
        cmocka_unit_test(test_outside_envelopes),
        cmocka_unit_test(test_no_envelope),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_no_replace),
        cmocka_unit_test(test_no_hard_links),
        cmocka_unit_test(test_folder_gone),
        cmocka_unit_test(test_disk_full),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
