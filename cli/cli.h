/* Shared pieces of the x12 command: option handling, error printing, exit codes.
 * The command is a client of the public headers only. */
#ifndef X12_CLI_H
#define X12_CLI_H

#include <stdio.h>

#include <x12/reader.h>

/* Exit status: 0 fine, 1 the input has errors, 2 usage or I/O error. */
enum { EXIT_FINE = 0, EXIT_INPUT = 1, EXIT_USAGE = 2 };

typedef struct cli_common {
    unsigned flags;    /* reader flags: X12_READ_LENIENT unless --strict */
    int show_values;   /* --show-values: element values in error messages */
    size_t max_segment;
} cli_common;

void cli_common_init(cli_common *c);
/* Consumes a common option at argv[*i]; returns 1 when it was one, 0 when not,
 * -1 on a bad value (message printed). */
int cli_common_option(cli_common *c, int argc, char **argv, int *i);
void cli_reader_options(const cli_common *c, x12_reader_options *o);

/* Prints "FILE: segment N (ID) element E.C, byte B: message" to stderr. */
void cli_print_error(const char *file, const x12_error *e);

/* The outcome of one file, folded into the exit status. */
int cli_worst(int a, int b);

int cmd_cat(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_to_json(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_to_xml(int argc, char **argv);
int cmd_from_xml(int argc, char **argv);
int cmd_ack(int argc, char **argv);
int cmd_ack_report(int argc, char **argv);
int cmd_split(int argc, char **argv);
int cmd_837(int argc, char **argv);
int cmd_reconcile(int argc, char **argv);
int cmd_835(int argc, char **argv);
int cmd_batch(int argc, char **argv);

extern const char CLI_COMMON_HELP[];

#endif
