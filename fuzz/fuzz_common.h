/* Shared by the fuzz targets: the built-in specs, loaded once per process
 * (parsing them for every input would dominate the run), and the lenient
 * read of the whole input most targets start with. */
#ifndef X12_FUZZ_COMMON_H
#define X12_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>

#include <x12/reader.h>
#include <x12/spec.h>

static x12_spec *FUZZ_SPECS[16];
static int FUZZ_NSPECS = -1;

static inline void fuzz_load_specs(void)
{
    if (FUZZ_NSPECS >= 0)
        return;
    FUZZ_NSPECS = 0;
    for (const char *const *id = x12_spec_builtin_ids(); *id && FUZZ_NSPECS < 16; id++) {
        x12_error err;
        x12_spec *s = x12_spec_load_builtin(*id, &err);
        if (!s)
            abort();
        FUZZ_SPECS[FUZZ_NSPECS++] = s;
    }
}

/* The bytes through a lenient reader, in one feed, to the given callbacks. */
static inline void fuzz_read_lenient(const uint8_t *data, size_t size,
                                     int (*seg)(void *, const x12_segment *),
                                     void (*err)(void *, const x12_error *), void *ctx)
{
    x12_reader_options o;
    x12_reader_options_init(&o);
    o.flags = X12_READ_LENIENT;
    x12_reader_callbacks cb = {seg, err};
    x12_reader *r = x12_reader_new(&o, &cb, ctx);
    if (!r)
        abort();
    x12_reader_feed(r, data, size);
    x12_reader_finish(r);
    x12_reader_free(r);
}

#endif
