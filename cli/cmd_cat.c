/* x12 cat: one segment per line, delimiters kept, from files, stdin or gzip. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct cat_ctx {
    const char *file;
    int status;
    FILE *out;
} cat_ctx;

static int on_segment(void *ctx, const x12_segment *seg)
{
    cat_ctx *c = ctx;
    fwrite(seg->raw.ptr, 1, seg->raw.len, c->out);
    fputc(seg->delims.segment, c->out);
    if (seg->delims.segment != '\n')
        fputc('\n', c->out);
    return 0;
}

static void on_error(void *ctx, const x12_error *e)
{
    cat_ctx *c = ctx;
    cli_print_error(c->file, e);
    c->status = cli_worst(c->status, e->code == X12_ERR_IO || e->code == X12_ERR_NOMEM ? EXIT_USAGE : EXIT_INPUT);
}

static const char HELP[] =
    "usage: x12 cat [options] [FILE|-]...\n"
    "Prints each segment on a line of its own, with its terminator and delimiters kept.\n"
    "Reads standard input when no FILE (or -) is given; gzip input is recognised.\n"
    "Exit status: 0 no errors, 1 the input has errors, 2 usage or I/O error.\n\n";

int cmd_cat(int argc, char **argv)
{
    cli_args args;
    int rc = cli_parse(argc, argv, "cat", HELP, NULL, NULL, &args);
    if (rc >= 0)
        return rc;
    const char **files = args.files;
    int nfiles = args.nfiles;

    x12_reader_options o;
    cli_reader_options(&args.common, &o);
    x12_reader_callbacks cb = {on_segment, on_error};
    int status = EXIT_FINE;
    for (int i = 0; i < nfiles; i++) {
        cat_ctx c = {strcmp(files[i], "-") == 0 ? "<stdin>" : files[i], EXIT_FINE, stdout};
        x12_status st = x12_read_file(files[i], &o, &cb, &c);
        if (st == X12_ERR_NOMEM)
            c.status = EXIT_USAGE;
        status = cli_worst(status, c.status);
    }
    cli_args_free(&args);
    if (fflush(stdout) != 0) {
        perror("x12 cat: write");
        status = EXIT_USAGE;
    }
    return status;
}
