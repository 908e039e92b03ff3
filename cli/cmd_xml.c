/* x12 to-xml / x12 from-xml: the lossless XML form of X12 (docs/xml.md) and
 * back.  Thin clients of <x12/xml.h>: to-xml feeds each file to one encoder
 * (one document, a <file> per input); from-xml decodes one document. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <x12/xml.h>

#include "cli.h"

static int to_stdout(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    return fwrite(buf, 1, len, stdout) == len ? 0 : -1;
}

static int to_file(void *ctx, const void *buf, size_t len)
{
    return fwrite(buf, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

typedef struct txctx {
    const char *file;
    int status;
} txctx;

static void on_error(void *ctx, const x12_error *e)
{
    txctx *t = ctx;
    cli_print_error(t->file, e);
    /* as the other commands: I/O and memory are exit 2, the rest (gzip and
     * limits included) is the input's fault */
    t->status = cli_worst(t->status, e->code == X12_ERR_IO || e->code == X12_ERR_NOMEM
                                         ? EXIT_USAGE
                                         : EXIT_INPUT);
}

static const char TO_HELP[] =
    "usage: x12 to-xml [--compact] [--no-gaps] [--nearest-guide] [options] [FILE|-]...\n"
    "Writes the X12 as one XML document (docs/xml.md): a <file> per input, an\n"
    "<interchange> per ISA with its delimiters, <group>, <transaction> and the\n"
    "implementation guide's <loop>s, a <seg> per segment with its <el>ements.  Nothing\n"
    "is lost: x12 from-xml gives the input back byte for byte, line breaks and padding\n"
    "between segments included.  Errors in the X12 are reported and the XML is still\n"
    "written for everything that was read.\n"
    "  --compact         no line breaks or indentation in the XML\n"
    "  --no-gaps         do not record the bytes skipped between segments: from-xml\n"
    "                    then writes each segment followed by its terminator only\n"
    "  --nearest-guide   the loops of a set of another version of a guide x12kit has\n"
    "                    (005010X222A2, X221, ...) are that guide's (x12 validate --help)\n"
    "Exit status: 0 no errors, 1 the input has syntax or envelope errors, 2 usage or I/O error.\n\n";

/* --compact, --no-gaps */
static int to_xml_option(void *ctx, int argc, char **argv, int *i)
{
    (void)argc;
    x12_xml_options *xo = ctx;
    if (strcmp(argv[*i], "--compact") == 0)
        xo->flags |= X12_XML_COMPACT;
    else if (strcmp(argv[*i], "--no-gaps") == 0)
        xo->flags |= X12_XML_NO_GAPS;
    else if (strcmp(argv[*i], "--nearest-guide") == 0)
        xo->flags |= X12_XML_NEAREST_GUIDE;
    else
        return 0;
    return 1;
}

int cmd_to_xml(int argc, char **argv)
{
    x12_xml_options xo;
    x12_xml_options_init(&xo);
    cli_args args;
    int rc = cli_parse(argc, argv, "to-xml", TO_HELP, to_xml_option, &xo, &args);
    if (rc >= 0)
        return rc;
    const char **files = args.files;
    int nfiles = args.nfiles;
    cli_reader_options(&args.common, &xo.reader);
    txctx t = {NULL, EXIT_FINE};
    xo.error = on_error;
    xo.error_ctx = &t;
    x12_error err;
    x12_xml_encoder *x = x12_xml_encoder_new(&xo, to_stdout, NULL, &err);
    if (!x) {
        fprintf(stderr, "x12 to-xml: %s\n", err.msg);
        cli_args_free(&args);
        return EXIT_USAGE;
    }
    /* a file that cannot be read is reported through on_error and the next
     * one is read; a failed output makes every later call fail at once */
    x12_status st = X12_OK;
    for (int i = 0; i < nfiles && st != X12_ERR_NOMEM; i++) {
        t.file = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        st = x12_xml_encoder_add_file(x, files[i]);
    }
    x12_status fs = x12_xml_encoder_finish(x);
    x12_xml_encoder_free(x);
    cli_args_free(&args);
    if (fs != X12_OK || st == X12_ERR_NOMEM) {
        fprintf(stderr, "x12 to-xml: write: %s\n", x12_status_message(fs != X12_OK ? fs : st));
        return EXIT_USAGE;
    }
    if (fflush(stdout) != 0) {
        perror("x12 to-xml: write");
        return EXIT_USAGE;
    }
    return t.status;
}

static const char FROM_HELP[] =
    "usage: x12 from-xml [--max-segment N] [-o OUT] [FILE|-]\n"
    "Writes the X12 that the XML of x12 to-xml describes (docs/xml.md), each\n"
    "interchange in the delimiters of its <interchange>: the input of to-xml, byte\n"
    "for byte.  The XML is read as a stream; memory does not grow with its size.\n"
    "On standard output, the segments before an error in the XML have been written\n"
    "when it is reported; with -o OUT, OUT appears only when the whole XML was decoded\n"
    "(an earlier OUT is left as it was otherwise).\n"
    "  --max-segment N   longest segment built, in bytes (default 1048576)\n"
    "  -o OUT            write to OUT (.gz: gzip-compressed) instead of standard output\n"
    "Exit status: 0 fine, 1 the XML is malformed or not x12kit XML, 2 usage or I/O error.\n";

int cmd_from_xml(int argc, char **argv)
{
    x12_xml_options xo;
    x12_xml_options_init(&xo);
    const char *file = NULL, *out_path = NULL;
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_files && a[0] == '-' && a[1]) {
            if (strcmp(a, "--") == 0) {
                only_files = 1;
                continue;
            }
            if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                fputs(FROM_HELP, stdout);
                return EXIT_FINE;
            }
            if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
                if (i + 1 >= argc) {
                    fprintf(stderr, "x12 from-xml: %s needs a file name\n", a);
                    return EXIT_USAGE;
                }
                out_path = argv[++i];
                continue;
            }
            if (strcmp(a, "--max-segment") == 0) {
                /* the common parser knows this one; the rest of it is about X12 input */
                cli_common c;
                cli_common_init(&c);
                if (cli_common_option(&c, argc, argv, &i) != 1)
                    return EXIT_USAGE;
                xo.max_segment_length = c.max_segment;
                continue;
            }
            fprintf(stderr, "x12 from-xml: unknown option '%s' (see x12 from-xml --help)\n", a);
            return EXIT_USAGE;
        }
        if (file) {
            fprintf(stderr, "x12 from-xml: one XML file at a time\n");
            return EXIT_USAGE;
        }
        file = a;
    }
    if (!file) {
        if (cli_no_file_on_terminal("from-xml"))
            return EXIT_USAGE;
        file = "-";
    }
    const char *name = strcmp(file, "-") == 0 ? "<stdin>" : file;
    const char *const ins[] = {file};
    if (cli_output_is_input("from-xml", out_path, ins, 1))
        return EXIT_USAGE;
    FILE *out = NULL;
    if (out_path && strcmp(out_path, "-") != 0) {
        out = cli_open_out(out_path);
        if (!out) {
            fprintf(stderr, "x12 from-xml: cannot write %s: %s\n", out_path, strerror(errno));
            return EXIT_USAGE;
        }
    }
    x12_error err;
    x12_status st = out ? x12_xml_decode_file(file, &xo, to_file, out, &err)
                        : x12_xml_decode_file(file, &xo, to_stdout, NULL, &err);
    int status = EXIT_FINE;
    if (st != X12_OK) {
        /* the XML line stands where the other commands put the byte */
        if (st == X12_ERR_IO && err.byte_offset == 0) {
            fprintf(stderr, "%s: %s (%s)\n", name, err.msg, err.detail);
        } else {
            char where[64] = "";
            if (err.segment_index) {
                int n = snprintf(where, sizeof where, ", segment %u (%s)",
                                 (unsigned)err.segment_index, err.segment_id);
                if (err.element_pos && n > 0 && (size_t)n < sizeof where)
                    snprintf(where + n, sizeof where - (size_t)n, " element %u",
                             (unsigned)err.element_pos);
            }
            fprintf(stderr, "%s: line %llu%s: %s%s%s%s\n", name,
                    (unsigned long long)err.byte_offset, where, err.msg,
                    err.detail[0] ? " (" : "", err.detail, err.detail[0] ? ")" : "");
        }
        status = st == X12_ERR_IO || st == X12_ERR_NOMEM ? EXIT_USAGE : EXIT_INPUT;
    }
    if (out) {
        /* OUT is the whole X12 or nothing: never the part before a fault */
        if (cli_close_out(out, st == X12_OK) != 0) {
            fprintf(stderr, "x12 from-xml: error writing %s: %s; left as it was\n", out_path,
                    strerror(errno));
            return EXIT_USAGE;
        }
        if (st != X12_OK)
            fprintf(stderr, "x12 from-xml: %s not written: the XML could not all be decoded\n",
                    out_path);
        return status;
    }
    if (fflush(stdout) != 0) {
        perror("x12 from-xml: write");
        status = EXIT_USAGE;
    }
    return status;
}
