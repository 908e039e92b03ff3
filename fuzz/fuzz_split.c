/* libFuzzer target for x12_split: arbitrary bytes split by the unit the
 * first byte picks into a scratch folder, then every output read back.  An
 * output must be a whole interchange: its trailers present, their counts and
 * control numbers right (what the input got wrong inside a set body, such as
 * a bad segment id, may stay).  A set no SE closes must not be written, so
 * no output may lack an SE either.  Sanitizers check the rest. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <x12/split.h>

#include "fuzz_common.h"

static char dir[64];

static void remove_dir(void)
{
    rmdir(dir);
}

static int on_seg(void *ctx, const x12_segment *seg)
{
    return x12_split_segment(ctx, seg) != X12_OK;
}

static void on_err(void *ctx, const x12_error *e)
{
    (void)ctx;
    (void)e;
}

/* Read back: the envelope errors a split output must never have.  (But an
 * IEA02 that cannot repeat its ISA13: an ISA13 that is not 9 digits may hold
 * the element separator, and no IEA can carry that; the input's reader said
 * X12_ERR_ISA_FIELD.) */
typedef struct back {
    const char *path;
    int isa13_bad; /* the ISA being read has an ISA13 of other than 9 digits */
} back;

static void back_err(void *ctx, const x12_error *e)
{
    back *b = ctx;
    const char *path = b->path;
    if (e->code == X12_ERR_ISA_FIELD && e->element_pos == 13)
        b->isa13_bad = 1;
    if (e->code == X12_ERR_IEA_CONTROL && b->isa13_bad)
        return;
    switch (e->code) {
    case X12_ERR_MISSING_IEA:
    case X12_ERR_MISSING_GE:
    case X12_ERR_MISSING_SE:
    case X12_ERR_IEA_CONTROL:
    case X12_ERR_GE_CONTROL:
    case X12_ERR_SE_CONTROL:
    case X12_ERR_IEA_COUNT:
    case X12_ERR_GE_COUNT:
    case X12_ERR_SE_COUNT:
        fprintf(stderr, "fuzz_split: %s: %s at byte %llu (%s)\n", path, x12_status_name(e->code),
                (unsigned long long)e->byte_offset, e->detail);
        abort();
    default:
        break;
    }
}

static int back_seg(void *ctx, const x12_segment *seg)
{
    back *b = ctx;
    if (x12_slice_eq(seg->id, "IEA"))
        b->isa13_bad = 0; /* (after its IEA02 was checked: errors come first) */
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/x12fuzzsplit.XXXXXX");
        if (!mkdtemp(dir))
            abort();
        atexit(remove_dir);
    }
    if (size < 1)
        return 0;
    x12_error err;
    x12_split *s = x12_split_new((x12_split_by)(data[0] % 3), dir, "f", NULL, &err);
    if (!s)
        abort();
    x12_split_set_replace(s, 1);
    fuzz_read_lenient(data + 1, size - 1, on_seg, on_err, s);
    if (!x12_split_error(s)->code)
        x12_split_finish(s);
    x12_split_free(s);

    DIR *d = opendir(dir);
    if (!d)
        abort();
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[320];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (!strstr(e->d_name, ".part")) {
            x12_reader_options o;
            x12_reader_options_init(&o);
            o.flags = X12_READ_LENIENT;
            x12_reader_callbacks cb = {back_seg, back_err};
            back b = {path, 0};
            x12_read_file(path, &o, &cb, &b);
        } else {
            fprintf(stderr, "fuzz_split: a temporary output is left: %s\n", path);
            abort();
        }
        unlink(path);
    }
    closedir(d);
    return 0;
}
