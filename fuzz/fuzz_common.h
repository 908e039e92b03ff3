/* Shared by the fuzz targets: the built-in specs, loaded once per process
 * (parsing them for every input would dominate the run). */
#ifndef X12_FUZZ_COMMON_H
#define X12_FUZZ_COMMON_H

#include <stdlib.h>

#include <x12/spec.h>

static x12_spec *FUZZ_SPECS[16];
static int FUZZ_NSPECS = -1;

static void fuzz_load_specs(void)
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

#endif
