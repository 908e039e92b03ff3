/* x12: the command-line front end of x12kit.  Each command is a few calls into
 * the public library plus formatting. */
#include <stdio.h>
#include <string.h>

#include <x12/common.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command COMMANDS[] = {
    {"cat", cmd_cat, "print one segment per line, delimiters kept"},
    {"info", cmd_info, "show interchanges, groups and transaction sets"},
    {"to-json", cmd_to_json, "each transaction set as a JSON loop tree (NDJSON)"},
    {"validate", cmd_validate, "findings against X12 and the implementation guide"},
    {"ack", cmd_ack, "999 and/or TA1 acknowledgements for a received file"},
    {"ack-report", cmd_ack_report, "what received 999s, 997s and TA1s accepted and rejected"},
    {"split", cmd_split, "one standalone file per interchange, group or transaction set"},
    {"837", cmd_837, "an 837P/I/D from claims in JSON (array or NDJSON), or its claims as JSON"},
    {"835", cmd_835, "835 remittances as rows (claim, line, adjustment, plb): CSV or NDJSON"},
    {"277", cmd_277, "what 277CA acknowledgements say of each claim sent: CSV or NDJSON"},
    {"reconcile", cmd_reconcile, "ingest 837s and 835s into the ledger, match, report per claim"},
    {"batch", cmd_batch, "the nightly job: validate, convert, ingest, acknowledge a folder"},
#ifdef X12KIT_HAVE_XML
    {"to-xml", cmd_to_xml, "each interchange as lossless XML"},
    {"from-xml", cmd_from_xml, "X12 back from the XML of to-xml, byte for byte"},
#endif
};

static void usage(FILE *f)
{
    fprintf(f, "usage: x12 COMMAND [options] [FILE...]\n\nCommands:\n");
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        fprintf(f, "  %-11s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(f, "\nx12 COMMAND --help shows a command's options.  x12 --version shows the version.\n"
               "Exit status: 0 fine, 1 the input has errors, 2 usage or I/O error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return EXIT_FINE;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("x12 (x12kit) %s\n", x12_version());
        return EXIT_FINE;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (strcmp(cmd, COMMANDS[i].name) == 0)
            return COMMANDS[i].run(argc - 1, argv + 1);
    fprintf(stderr, "x12: unknown command '%s'\n", cmd);
    usage(stderr);
    return EXIT_USAGE;
}
