/* x12 split: one standalone file per interchange, group or transaction set
 * (library: writers/split.c; names and rules: docs/split.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <x12/split.h>

#include "cli.h"

static const char HELP[] =
    "usage: x12 split FILE --by interchange|group|transaction -o DIR [options]\n"
    "Writes each interchange, functional group or transaction set of FILE as a valid\n"
    "standalone interchange in DIR (created when missing): ISA, GS and ST kept with their\n"
    "control numbers, SE01/GE01/IEA01 counted anew, missing trailers added.  Names:\n"
    "STEM.i0001.x12, STEM.i0001.g0001.x12, STEM.i0001.g0001.t0001.x12 (STEM: FILE's name\n"
    "without .gz and .x12/.edi/.txt/.dat; 'stdin' for -); by group or transaction, a TA1\n"
    "is an interchange of its own, STEM.i0001.a0001.x12.  Problems in FILE are reported\n"
    "with their positions and the rest is still split; a set FILE ends inside (cut short) is\n"
    "not written.  A summary goes to standard error.\n"
    "An output that exists already is not replaced (exit 2) unless --force is given.\n"
    "  --force    replace outputs that exist already in DIR\n"
    "Exit status: 0 fine, 1 FILE has errors, 2 usage or I/O error.\n\n";

typedef struct sctx {
    const char *file;
    int status;
    unsigned left_out; /* sets not written: no SE closes them (X12_ERR_SPLIT_CUT) */
} sctx;

static void on_error(void *ctx, const x12_error *e)
{
    sctx *c = ctx;
    cli_print_error(c->file, e);
    c->left_out += e->code == X12_ERR_SPLIT_CUT;
    c->status = cli_worst(c->status, e->code == X12_ERR_IO ? EXIT_USAGE : EXIT_INPUT);
}

int cmd_split(int argc, char **argv)
{
    cli_common common;
    cli_common_init(&common);
    const char *file = NULL, *dir = NULL, *by = NULL;
    unsigned flags = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(HELP, stdout);
            fputs(CLI_COMMON_HELP, stdout);
            return EXIT_FINE;
        }
        if (!strcmp(a, "--by") || !strcmp(a, "-o")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "x12 split: %s needs a value\n", a);
                return EXIT_USAGE;
            }
            if (!strcmp(a, "--by"))
                by = argv[++i];
            else
                dir = argv[++i];
            continue;
        }
        if (!strcmp(a, "--force")) {
            flags |= X12_SPLIT_REPLACE;
            continue;
        }
        if (a[0] == '-' && a[1]) {
            int rc = cli_common_option(&common, argc, argv, &i);
            if (rc == 1)
                continue;
            if (rc == 0)
                fprintf(stderr, "x12 split: unknown option '%s' (see x12 split --help)\n", a);
            return EXIT_USAGE;
        }
        if (file) {
            fprintf(stderr, "x12 split: one FILE at a time ('%s')\n", a);
            return EXIT_USAGE;
        }
        file = a;
    }
    x12_split_by unit;
    if (!by || !dir || !file) {
        fprintf(stderr, "x12 split: FILE, --by and -o DIR are required (see x12 split --help)\n");
        return EXIT_USAGE;
    }
    if (!strcmp(by, "interchange"))
        unit = X12_SPLIT_INTERCHANGE;
    else if (!strcmp(by, "group"))
        unit = X12_SPLIT_GROUP;
    else if (!strcmp(by, "transaction"))
        unit = X12_SPLIT_TRANSACTION;
    else {
        fprintf(stderr, "x12 split: --by must be interchange, group or transaction, not '%s'\n", by);
        return EXIT_USAGE;
    }
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "x12 split: %s: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    x12_reader_options o;
    cli_reader_options(&common, &o);
    sctx c = {strcmp(file, "-") ? file : "<stdin>", EXIT_FINE, 0};
    x12_split_stats st;
    x12_error err;
    x12_status rc = x12_split_file_flags(file, &o, unit, dir, flags, on_error, &c, &st, &err);
    if (rc != X12_OK) {
        if (rc != X12_ERR_IO && rc != X12_ERR_GZIP)
            cli_print_error(c.file, &err);
        return EXIT_USAGE;
    }
    fprintf(stderr,
            "%s: %u file%s written (%u interchange%s, %u group%s, %u set%s), %u trailer%s "
            "rebuilt, %u segment%s skipped",
            c.file, st.files, st.files == 1 ? "" : "s", st.interchanges,
            st.interchanges == 1 ? "" : "s", st.groups, st.groups == 1 ? "" : "s", st.sets,
            st.sets == 1 ? "" : "s", st.trailers_fixed, st.trailers_fixed == 1 ? "" : "s",
            st.skipped, st.skipped == 1 ? "" : "s");
    if (c.left_out)
        fprintf(stderr, ", %u set%s not written (cut short)", c.left_out,
                c.left_out == 1 ? "" : "s");
    fputc('\n', stderr);
    return c.status;
}
