/* x12 ack: validates a received file with every check of `x12 validate` and
 * writes its 999 (one per functional group) and/or TA1 (one per interchange).
 * The policy lives in the library (writers/ack.c, docs/ack.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <x12/ack.h>

#include "cli.h"

static const char HELP[] =
    "usage: x12 ack FILE [--999] [--ta1] [-o OUT] [--control-file F] [--spec OVERLAY]...\n"
    "               [--control-number N] [--date CCYYMMDD --time HHMM] [--reject-snip N]\n"
    "               [--copy-bad-data] [--newline] [--nearest-guide] [options]\n"
    "Validates FILE (the checks of x12 validate) and writes its acknowledgements:\n"
    "a 005010X231A1 999 per functional group (the default) and, with --ta1, a TA1\n"
    "per interchange (--999 --ta1 writes both).  Sender and receiver are swapped from\n"
    "the received ISA/GS.\n"
    "  -o OUT              write to OUT ('-' or none: standard output); OUT ending in .gz\n"
    "                      is gzip-compressed\n"
    "  --control-file F    take ISA13/GS06 from the counter file F (created at 1)\n"
    "  --control-number N  first ISA13/GS06 when no counter file is given (default 1)\n"
    "  --date, --time      envelope date and time (default: now, UTC)\n"
    "  --reject-snip N     errors of SNIP types 1..N reject a set, higher ones accept it\n"
    "                      with errors (default 2)\n"
    "  --copy-bad-data     IK404 carries the offending value (may be patient data)\n"
    "  --newline           a line break after each segment terminator\n"
    "  --spec OVERLAY      a companion guide, as for x12 validate\n"
    "  --nearest-guide     check a set of another version of a guide x12kit has against\n"
    "                      that guide, as x12 validate does, instead of rejecting it (I6)\n"
    "A summary goes to standard error.  Exit status: 0 everything accepted, 1 the\n"
    "acknowledgement reports errors or rejections, 2 usage or I/O error.\n\n";

static int to_file(void *ctx, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, (FILE *)ctx) == len ? 0 : -1;
}


int cmd_ack(int argc, char **argv)
{
    cli_common common;
    cli_common_init(&common);
    x12_ack_options ao;
    x12_ack_options_init(&ao);
    ao.what = 0;
    const char *file = NULL, *out = NULL;
    int nspecs = 0, status = EXIT_USAGE;
    x12_spec *specs[CLI_MAX_OVERLAID];
    FILE *f = NULL;
    int newline = 0, keep = 0; /* keep: an acknowledgement was written to OUT */
    x12_writer_options wo;
    x12_writer_options_init(&wo);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(HELP, stdout);
            fputs(CLI_COMMON_HELP, stdout);
            status = EXIT_FINE;
            goto done;
        } else if (!strcmp(a, "--999")) {
            ao.what |= X12_ACK_999;
        } else if (!strcmp(a, "--ta1")) {
            ao.what |= X12_ACK_TA1;
        } else if (!strcmp(a, "--newline")) {
            newline = 1;
        } else if (!strcmp(a, "--nearest-guide")) {
            ao.nearest_guide = 1;
        } else if (!strcmp(a, "--copy-bad-data")) {
            ao.copy_bad_data = 1;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--control-file") || !strcmp(a, "--date") ||
                   !strcmp(a, "--time") || !strcmp(a, "--control-number") ||
                   !strcmp(a, "--reject-snip") || !strcmp(a, "--spec")) {
            if (!val) {
                fprintf(stderr, "x12 ack: %s needs a value\n", a);
                goto done;
            }
            i++;
            if (!strcmp(a, "-o"))
                out = val;
            else if (!strcmp(a, "--control-file"))
                ao.control_file = val;
            else if (!strcmp(a, "--date") || !strcmp(a, "--time")) {
                int date = !strcmp(a, "--date");
                size_t n = strlen(val);
                /* the library wants both as written: eight and four digits */
                if (date ? n != 8 || !x12_valid_date(val, n) : n != 4 || !x12_valid_time(val, n)) {
                    fprintf(stderr, "x12 ack: %s: '%s' is not %s\n", a, val,
                            date ? "a CCYYMMDD date" : "an HHMM time");
                    goto done;
                }
                if (date)
                    ao.date = val;
                else
                    ao.time = val;
            }
            else if (!strcmp(a, "--control-number") || !strcmp(a, "--reject-snip")) {
                char *end;
                errno = 0;
                unsigned long v = strtoul(val, &end, 10);
                int snip = !strcmp(a, "--reject-snip");
                if (*end || errno || v < 1 || v > (snip ? 7ul : 999999999ul)) {
                    fprintf(stderr, "x12 ack: %s: '%s' is out of range\n", a, val);
                    goto done;
                }
                if (snip)
                    ao.reject_snip = (int)v;
                else
                    ao.control_number = (uint32_t)v;
            } else {
                if (cli_overlay_add("ack", specs, &nspecs, val, NULL) != 0)
                    goto done;
            }
        } else if (a[0] == '-' && a[1]) {
            int rc = cli_common_option(&common, argc, argv, &i);
            if (rc == 1)
                continue;
            if (rc == 0)
                fprintf(stderr, "x12 ack: unknown option '%s' (see x12 ack --help)\n", a);
            goto done;
        } else if (!file) {
            file = a;
        } else {
            fprintf(stderr, "x12 ack: one FILE at a time ('%s')\n", a);
            goto done;
        }
    }
    if (!file) {
        fprintf(stderr, "x12 ack: FILE is required (see x12 ack --help)\n");
        goto done;
    }
    if (!ao.what)
        ao.what = X12_ACK_999;
    if (newline) {
        wo.line_break = "\n";
        ao.writer = &wo;
    }
    /* a copy of bad data needs the reader to keep values */
    if (ao.copy_bad_data)
        common.show_values = 1;
    x12_reader_options ro;
    cli_reader_options(&common, &ro);
    if (cli_output_is_input("ack", out, &file, 1))
        goto done;
    f = (!out || !strcmp(out, "-")) ? stdout : cli_open_out(out);
    if (!f) {
        fprintf(stderr, "x12 ack: %s: %s\n", out, strerror(errno));
        goto done;
    }
    x12_ack_summary sum;
    x12_error err;
    const char *name = strcmp(file, "-") ? file : "<stdin>";
    x12_status st = x12_ack_file(file, &ro, specs, nspecs, &ao, to_file, f, &sum, &err);
    if (st != X12_OK && st != X12_ERR_ACK_NO_ISA) {
        cli_print_error(name, &err);
        goto done;
    }
    if (st == X12_ERR_ACK_NO_ISA)
        cli_print_error(name, &err);
    fprintf(stderr,
            "%s: %u interchange%s, %u group%s (%u accepted, %u with errors, %u partially, "
            "%u rejected), %u set%s (%u accepted, %u with errors, %u rejected)",
            name, sum.interchanges, sum.interchanges == 1 ? "" : "s", sum.groups,
            sum.groups == 1 ? "" : "s", sum.groups_accepted, sum.groups_with_errors,
            sum.groups_partial, sum.groups_rejected, sum.sets, sum.sets == 1 ? "" : "s",
            sum.sets_accepted, sum.sets_with_errors, sum.sets_rejected);
    if (ao.what & X12_ACK_TA1)
        fprintf(stderr, ", TA1 %u accepted, %u with errors, %u rejected", sum.ta1_accepted,
                sum.ta1_with_errors, sum.ta1_rejected);
    fprintf(stderr, "\n");
    if (sum.groups_unanswered)
        fprintf(stderr,
                "%s: %u group%s not acknowledged: GS01 is not a functional id a 999 can answer "
                "(AK101; x12 validate reports it)\n",
                name, sum.groups_unanswered, sum.groups_unanswered == 1 ? "" : "s");
    if (st == X12_OK && sum.interchanges && !sum.interchanges_written)
        fprintf(stderr,
                "%s: nothing to acknowledge: no functional group that takes a 999 (999s, 997s "
                "and TA1s are not acknowledged); --ta1 answers the interchange\n",
                name);
    status = sum.worst == 'A' && st == X12_OK ? EXIT_FINE : EXIT_INPUT;
    /* OUT is written when there is an acknowledgement to put in it */
    keep = sum.interchanges_written > 0;
done:
    if (f && f != stdout) {
        if (cli_close_out(f, keep) != 0) {
            fprintf(stderr, "x12 ack: %s: %s; left as it was\n", out, strerror(errno));
            status = EXIT_USAGE;
        } else if (!keep) {
            fprintf(stderr, "x12 ack: %s not written: no acknowledgement to write\n", out);
        }
    } else if (f && fflush(stdout) != 0) {
        perror("x12 ack: write");
        status = EXIT_USAGE;
    }
    for (int k = 0; k < nspecs; k++)
        x12_spec_free(specs[k]);
    return status;
}
