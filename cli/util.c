/* Option handling and error output shared by the x12 commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <x12/common.h>
#include <x12/spec.h>

#include "cli.h"
#include "sha256.h"

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

int cli_parse(int argc, char **argv, const char *name, const char *help, cli_own_option own,
              void *ctx, cli_args *a)
{
    memset(a, 0, sizeof *a);
    cli_common_init(&a->common);
    a->files = calloc((size_t)argc + 1, sizeof *a->files);
    if (!a->files) {
        fprintf(stderr, "x12 %s: out of memory\n", name);
        return EXIT_USAGE;
    }
    int only_files = 0;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (only_files || arg[0] != '-' || !arg[1]) {
            a->files[a->nfiles++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_files = 1;
            continue;
        }
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(help, stdout);
            fputs(CLI_COMMON_HELP, stdout);
            cli_args_free(a);
            return EXIT_FINE;
        }
        int rc = own ? own(ctx, argc, argv, &i) : 0;
        if (rc == 0)
            rc = cli_common_option(&a->common, argc, argv, &i);
        if (rc == 1)
            continue;
        if (rc == 0)
            fprintf(stderr, "x12 %s: unknown option '%s' (see x12 %s --help)\n", name, arg, name);
        cli_args_free(a);
        return EXIT_USAGE;
    }
    if (a->nfiles == 0) {
        if (cli_no_file_on_terminal(name)) {
            cli_args_free(a);
            return EXIT_USAGE;
        }
        a->files[a->nfiles++] = "-";
    }
    return -1;
}

int cli_no_file_on_terminal(const char *name)
{
    if (!isatty(STDIN_FILENO))
        return 0;
    fprintf(stderr,
            "x12 %s: no FILE given, and standard input is a terminal: name a FILE, pipe the input in, "
            "or give - to type it (see x12 %s --help)\n",
            name, name);
    return 1;
}

int cli_json_option(void *ctx, int argc, char **argv, int *i)
{
    (void)argc;
    if (strcmp(argv[*i], "--json") != 0)
        return 0;
    *(int *)ctx = 1;
    return 1;
}

void cli_args_free(cli_args *a)
{
    free(a->files);
    a->files = NULL;
    a->nfiles = 0;
}

static void overlay_error(const char *name, const char *path, const x12_error *err)
{
    fprintf(stderr, "x12 %s: %s, line %llu: %s (%s)\n", name, path,
            (unsigned long long)err->byte_offset, err->msg, err->detail);
}

/* The whole of an overlay file, read once (its bytes are what is loaded and
 * what x12 batch hashes); NULL with a message printed. */
#define OVERLAY_MAX (64u << 20)
static char *read_overlay_file(const char *name, const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        fprintf(stderr, "x12 %s: %s: %s\n", name, path, strerror(errno));
        return NULL;
    }
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (;;) {
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16384;
            char *nb = ncap <= OVERLAY_MAX ? realloc(buf, ncap) : NULL;
            if (!nb) {
                fprintf(stderr, "x12 %s: %s: %s\n", name, path,
                        ncap > OVERLAY_MAX ? "larger than an overlay can be (64 MiB)" : "out of memory");
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0) {
            if (ferror(fp)) {
                fprintf(stderr, "x12 %s: %s: %s\n", name, path, strerror(errno ? errno : EIO));
                break;
            }
            fclose(fp);
            *len = n;
            return buf;
        }
    }
    fclose(fp);
    free(buf);
    return NULL;
}

int cli_overlay_add(const char *name, x12_spec **specs, int *nspecs, const char *path,
                    sha256_ctx *hash)
{
    size_t len;
    char *xml = read_overlay_file(name, path, &len);
    if (!xml)
        return -1;
    if (hash) {
        sha256_update(hash, xml, len);
        sha256_update(hash, "", 1); /* the end of one overlay */
    }
    x12_error err;
    x12_spec *s = x12_spec_load_overlaid_memory(xml, len, path, &err);
    if (!s) {
        overlay_error(name, path, &err);
        free(xml);
        return -1;
    }
    for (int k = 0; k < *nspecs; k++)
        if (!strcmp(x12_spec_guide_id(specs[k]), x12_spec_guide_id(s))) {
            x12_spec_free(s);
            /* a second overlay of the same guide: applied over the first */
            int rc = x12_spec_apply_overlay_memory(specs[k], xml, len, path, &err) == X12_OK ? 0 : -1;
            if (rc)
                overlay_error(name, path, &err);
            free(xml);
            return rc;
        }
    free(xml);
    if (*nspecs == CLI_MAX_OVERLAID) {
        x12_spec_free(s);
        fprintf(stderr, "x12 %s: overlays for at most %d guides\n", name, CLI_MAX_OVERLAID);
        return -1;
    }
    specs[(*nspecs)++] = s;
    return 0;
}

void cli_reader_options(const cli_common *c, x12_reader_options *o)
{
    x12_reader_options_init(o);
    o->flags = c->flags | (c->show_values ? X12_READ_ERROR_VALUES : 0);
    o->max_segment_length = c->max_segment;
}

int cli_reader_warning(x12_status code)
{
    return code == X12_ERR_CLAIM_NOT_UTF8 || code == X12_ERR_NEAREST_GUIDE;
}

int cli_second_of_kind(const x12_finding *f)
{
    return f->err.code == X12_ERR_CLAIM_NOT_CARRIED && f->severity == X12_SEV_WARNING;
}

void cli_print_error(const char *file, const x12_error *e)
{
    char line[512];
    x12_error_format(e, line, sizeof line);
    fprintf(stderr, "%s: %s\n", file, line);
}

void cli_print_at(const char *file, const x12_segment *seg, x12_status code, const char *msg,
                  unsigned el, unsigned comp, const char *detail)
{
    x12_error e;
    memset(&e, 0, sizeof e);
    e.code = code;
    e.msg = msg;
    e.byte_offset = seg->byte_offset;
    e.segment_index = seg->segment_index;
    e.set_position = seg->set_position;
    snprintf(e.segment_id, sizeof e.segment_id, "%.*s", (int)(seg->id.len < 3 ? seg->id.len : 3),
             seg->id.ptr ? seg->id.ptr : "");
    e.element_pos = (uint16_t)el;
    e.component_pos = (uint16_t)comp;
    if (detail)
        snprintf(e.detail, sizeof e.detail, "%s", detail);
    cli_print_error(file, &e);
}

int cli_worst(int a, int b)
{
    return a > b ? a : b;
}

char *cli_utf8(const char *p, size_t n)
{
    char *out = malloc(2 * n + 1);
    if (!out)
        return NULL;
    size_t i = 0, k = 0;
    while (i < n) {
        size_t ok = x12_utf8_prefix(p + i, n - i);
        memcpy(out + k, p + i, ok);
        k += ok;
        i += ok;
        if (i < n) {
            unsigned char b = (unsigned char)p[i++];
            out[k++] = (char)(0xC0 | (b >> 6));
            out[k++] = (char)(0x80 | (b & 0x3F));
        }
    }
    out[k] = '\0';
    return out;
}

json_t *cli_jstrn(const char *p, size_t n)
{
    if (!n)
        return json_string("");
    if (x12_utf8_prefix(p, n) == n)
        return json_stringn(p, n);
    char *u = cli_utf8(p, n);
    json_t *j = u ? json_string(u) : NULL;
    free(u);
    return j;
}

json_t *cli_jstr(const char *s)
{
    return cli_jstrn(s ? s : "", s ? strlen(s) : 0);
}

int cli_output_is_input(const char *cmd, const char *out, const char *const *in, int n)
{
    struct stat so, si;
    if (!out || !strcmp(out, "-") || stat(out, &so) != 0)
        return 0;
    for (int i = 0; i < n; i++)
        if (in[i] && strcmp(in[i], "-") && stat(in[i], &si) == 0 && si.st_dev == so.st_dev &&
            si.st_ino == so.st_ino) {
            fprintf(stderr, "x12 %s: -o %s is the input %s: it would be overwritten (give another "
                            "file)\n", cmd, out, in[i]);
            return 1;
        }
    return 0;
}

int cli_read_outcome(const char *file, x12_status s, x12_error *err, int had_errors, x12_status last)
{
    if (s == X12_OK || s == X12_ERR_STOPPED)
        return had_errors ? EXIT_INPUT : EXIT_FINE;
    if (err->code == X12_OK) {
        err->code = s;
        err->msg = x12_status_message(s);
    }
    /* a file that cannot be read was reported already, as a finding */
    if (!had_errors || last != s)
        cli_print_error(file, err);
    /* a corrupt gzip or a limit is bad input; the rest is I/O */
    return s == X12_ERR_GZIP || s == X12_ERR_LIMIT ? EXIT_INPUT : EXIT_USAGE;
}
