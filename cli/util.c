/* Option handling and error output shared by the x12 commands. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char CLI_COMMON_HELP[] =
    "Reading options (every command that reads X12):\n"
    "  --strict          follow X12 exactly: no BOM, no whitespace before ISA, no line\n"
    "                    breaks or indentation between segments, no padding after IEA\n"
    "                    (all of these are accepted by default)\n"
    "  --show-values     include element values in error messages (may be patient data)\n"
    "  --max-segment N   longest segment accepted, in bytes (default 1048576)\n";

void cli_common_init(cli_common *c)
{
    c->flags = X12_READ_LENIENT;
    c->show_values = 0;
    c->max_segment = X12_DEFAULT_MAX_SEGMENT_LENGTH;
}

int cli_common_option(cli_common *c, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (strcmp(a, "--strict") == 0) {
        c->flags &= ~(unsigned)X12_READ_LENIENT;
        return 1;
    }
    if (strcmp(a, "--show-values") == 0) {
        c->show_values = 1;
        return 1;
    }
    if (strcmp(a, "--max-segment") == 0) {
        char *end;
        if (*i + 1 >= argc) {
            fprintf(stderr, "x12: --max-segment needs a number\n");
            return -1;
        }
        unsigned long long v = strtoull(argv[*i + 1], &end, 10);
        if (*end || v == 0 || v > 0xffffffffull) {
            fprintf(stderr, "x12: --max-segment: '%s' is not a byte count\n", argv[*i + 1]);
            return -1;
        }
        c->max_segment = (size_t)v;
        (*i)++;
        return 1;
    }
    return 0;
}

void cli_reader_options(const cli_common *c, x12_reader_options *o)
{
    x12_reader_options_init(o);
    o->flags = c->flags | (c->show_values ? X12_READ_ERROR_VALUES : 0);
    o->max_segment_length = c->max_segment;
}

void cli_print_error(const char *file, const x12_error *e)
{
    char line[512];
    x12_error_format(e, line, sizeof line);
    fprintf(stderr, "%s: %s\n", file, line);
}

int cli_worst(int a, int b)
{
    return a > b ? a : b;
}
