/* Shared pieces of the x12 command: option handling, error printing, exit codes.
 * The command is a client of the public headers only. */
#ifndef X12_CLI_H
#define X12_CLI_H

#include <stdio.h>

#include <x12/reader.h>
#include <x12/walk.h>

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

/* A command's own option at argv[*i]: 1 when it was one (a value taken by
 * advancing *i), 0 when it is not the command's, -1 on a bad value (message
 * printed). */
typedef int (*cli_own_option)(void *ctx, int argc, char **argv, int *i);

/* What a command that reads X12 files takes: the common options and FILEs. */
typedef struct cli_args {
    cli_common common;
    const char **files; /* the FILE arguments; "-" (standard input) when none */
    int nfiles;
} cli_args;

/* Parses argv[1..] for command `name` ("835", "to-json"): "--" ends the
 * options, --help or -h prints `help` and the common options' help, then the
 * command's own options (`own`, may be NULL) and the common ones; anything else
 * not starting with '-' (or "-" alone) is a FILE.  Returns -1 when the command
 * goes on with `a` (free it with cli_args_free), else the exit status to return
 * at once: EXIT_FINE after --help, EXIT_USAGE for an unknown or bad option
 * (message printed) or no memory; `a` holds nothing then. */
int cli_parse(int argc, char **argv, const char *name, const char *help, cli_own_option own,
              void *ctx, cli_args *a);
void cli_args_free(cli_args *a);
/* For a command given no FILE: 1 (and a usage message) when standard input
 * is a terminal, where reading it would only wait for typing; "-" reads it
 * all the same. */
int cli_no_file_on_terminal(const char *name);
/* An own option for commands whose only one is --json: sets *(int *)ctx. */
int cli_json_option(void *ctx, int argc, char **argv, int *i);

/* 1 when `out` names a file that exists and is one of the `n` inputs (the
 * same file, by device and inode; "-" is never one), so that -o OUT never
 * truncates an input before it is read; then says so on standard error for
 * command `cmd`. */
int cli_output_is_input(const char *cmd, const char *out, const char *const *in, int n);

/* Text for JSON: UTF-8 as it is; any other byte (X12 data or a file name in
 * ISO-8859-1) read as ISO-8859-1, so 0xE9 is U+00E9 and no value is lost
 * (jansson refuses strings that are not UTF-8).  Free with free(). */
char *cli_utf8(const char *p, size_t n);
/* The same as a JSON string (never NULL unless memory runs out). */
struct json_t;
struct json_t *cli_jstrn(const char *p, size_t n);
struct json_t *cli_jstr(const char *s);

/* --spec OVERLAY for command `name`: loads the companion-guide overlay at
 * `path` onto its guide, or onto the guide already in specs[] when an earlier
 * overlay named the same one (overlays stack in the order given).  At most
 * CLI_MAX_OVERLAID guides.  The file is read once; `hash` (may be NULL) is
 * fed its bytes and a NUL after them.  0 done, -1 failed (message printed). */
#define CLI_MAX_OVERLAID 16
struct x12_spec;
struct sha256_ctx;
int cli_overlay_add(const char *name, struct x12_spec **specs, int *nspecs, const char *path,
                    struct sha256_ctx *hash);

/* Opens -o OUT for writing; OUT ending in ".gz" is gzip-compressed on the
 * way.  What is written goes to a temporary file beside OUT until
 * cli_close_out() (outfile.c).  NULL with errno set when it cannot be
 * opened.  One at a time. */
FILE *cli_open_out(const char *path);
/* Closes a stream of cli_open_out() (the gzip trailer written): with `keep`
 * its file becomes OUT, replacing any OUT there was; without, it is removed
 * and OUT is left as it was.  0 done, -1 (errno set) when the output could
 * not be completed or put in place, and then OUT is left as it was too. */
int cli_close_out(FILE *f, int keep);
/* 1 when `path` ends in ".gz". */
int cli_gz_name(const char *path);

/* Prints "FILE: segment N (ID) element E.C, byte B: message" to stderr. */
void cli_print_error(const char *file, const x12_error *e);

/* The 835 and 837 readers' warnings that leave their output whole, printed
 * without changing the exit status: text read as ISO-8859-1, a set read with
 * the nearest version of its guide. */
int cli_reader_warning(x12_status code);
/* A reader's "a second of its kind" (X12_ERR_CLAIM_NOT_CARRIED as a warning):
 * the input gives a second of what the model holds one of, and the first is
 * kept.  Printed by the commands and counted by the batch; the readers' other
 * not-carried notes are not. */
int cli_second_of_kind(const x12_finding *f);
/* The same for a problem the command finds itself at segment `seg`, element
 * `el` (0: the segment), component `comp`; `msg` static text, `detail` or NULL. */
void cli_print_at(const char *file, const x12_segment *seg, x12_status code, const char *msg,
                  unsigned el, unsigned comp, const char *detail);

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
/* What reading one file came to, for a command that converts files: a status
 * other than X12_OK or X12_ERR_STOPPED is printed (unless the file's last error
 * finding, `last`, already said it) and is EXIT_INPUT for bad input (a
 * corrupt gzip stream, a limit), else EXIT_USAGE; a file read whole with
 * error findings (`had_errors`) is EXIT_INPUT; else EXIT_FINE. */
int cli_read_outcome(const char *file, x12_status s, x12_error *err, int had_errors, x12_status last);
struct x12_ack_record;
/* A received 999/TA1 record as one line of `x12 ack-report --json` (no
 * newline), for `file`; NULL out of memory.  Free with free(). */
char *cli_ack_record_json(const char *file, const struct x12_ack_record *r);

int cmd_835(int argc, char **argv);
int cmd_277(int argc, char **argv);
int cmd_batch(int argc, char **argv);

extern const char CLI_COMMON_HELP[];

#endif
