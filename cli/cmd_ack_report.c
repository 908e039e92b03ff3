/* x12 ack-report: what 999s and TA1s say, for the submitter who has to fix
 * the file: which interchanges, groups, transaction sets and segments were
 * rejected and why, in words, or as NDJSON with --json. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <x12/ack.h>

#include "cli.h"

typedef struct rctx {
    const char *file;
    int json;
    int status;
    char group[64]; /* "HC 1234 005010X222A1" of the AK1 being read */
    char set[64];   /* "837 0001" of the AK2 being read */
} rctx;

static const char *KIND[] = {"ta1", "group", "set", "segment", "context", "element", "set_end",
                             "group_end"};

/* The name of element `n` of the record's own segment ("IK304", or a 997's
 * "AK304"), into buf[6]. */
static const char *elname(const x12_ack_record *r, const char *ik, char *buf)
{
    if (r->ack_segment[0] == 'A' && ik[0] == 'I') {
        snprintf(buf, 6, "AK%s", ik + 2);
        return buf;
    }
    return ik;
}

static void codes_text(const x12_ack_record *rec, const char *element, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (int i = 0; i < rec->ncodes && n < cap; i++) {
        char el[16];
        snprintf(el, sizeof el, "%.4s%d", element, (element[4] - '0' + i) % 10);
        n += (size_t)snprintf(buf + n, cap - n, "%s%s %s (%s)", i ? "; " : "", el, rec->codes[i],
                              x12_ack_code_text(element, rec->codes[i]));
    }
}

char *cli_ack_record_json(const char *file, const x12_ack_record *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", cli_jstr(file));
    json_object_set_new(o, "kind", json_string(KIND[r->kind]));
    json_object_set_new(o, "segment_index", json_integer(r->segment_index));
    char b1[6], b2[6];
    const char *code_el = r->kind == X12_ACK_REC_TA1         ? "TA104"
                          : r->kind == X12_ACK_REC_SEGMENT   ? elname(r, "IK304", b1)
                          : r->kind == X12_ACK_REC_ELEMENT   ? elname(r, "IK403", b1)
                          : r->kind == X12_ACK_REC_SET_END   ? elname(r, "IK501", b1)
                          : r->kind == X12_ACK_REC_GROUP_END ? "AK901"
                                                             : NULL;
    const char *codes_el = r->kind == X12_ACK_REC_TA1       ? "TA105"
                           : r->kind == X12_ACK_REC_SET_END ? elname(r, "IK502", b2)
                                                            : "AK905";
    switch (r->kind) {
    case X12_ACK_REC_TA1:
        json_object_set_new(o, "control", cli_jstr(r->control));
        json_object_set_new(o, "date", cli_jstr(r->date));
        json_object_set_new(o, "time", cli_jstr(r->time));
        break;
    case X12_ACK_REC_GROUP:
        json_object_set_new(o, "functional_id", cli_jstr(r->functional_id));
        json_object_set_new(o, "control", cli_jstr(r->control));
        json_object_set_new(o, "version", cli_jstr(r->version));
        break;
    case X12_ACK_REC_SET:
        json_object_set_new(o, "set_id", cli_jstr(r->set_id));
        json_object_set_new(o, "control", cli_jstr(r->control));
        json_object_set_new(o, "version", cli_jstr(r->version));
        break;
    case X12_ACK_REC_SEGMENT:
    case X12_ACK_REC_CONTEXT:
        json_object_set_new(o, "segment", cli_jstr(r->segment_id));
        json_object_set_new(o, "position", json_integer(r->position));
        json_object_set_new(o, "loop", cli_jstr(r->loop_id));
        if (r->kind == X12_ACK_REC_CONTEXT) {
            json_object_set_new(o, "context", cli_jstr(r->context_name));
            json_object_set_new(o, "value", cli_jstr(r->context_value));
            json_object_set_new(o, "element", json_integer(r->element));
            json_object_set_new(o, "component", json_integer(r->component));
            json_object_set_new(o, "repetition", json_integer(r->repetition));
            json_object_set_new(o, "data_element", cli_jstr(r->de));
        }
        break;
    case X12_ACK_REC_ELEMENT:
        json_object_set_new(o, "element", json_integer(r->element));
        json_object_set_new(o, "component", json_integer(r->component));
        json_object_set_new(o, "repetition", json_integer(r->repetition));
        json_object_set_new(o, "data_element", cli_jstr(r->de));
        if (r->bad_data[0])
            json_object_set_new(o, "bad_data", cli_jstr(r->bad_data));
        break;
    case X12_ACK_REC_GROUP_END:
        json_object_set_new(o, "included", json_integer(r->included));
        json_object_set_new(o, "received", json_integer(r->received));
        json_object_set_new(o, "accepted", json_integer(r->accepted));
        break;
    default:
        break;
    }
    if (code_el) {
        json_object_set_new(o, "code", cli_jstr(r->code));
        json_object_set_new(o, "text", json_string(r->code[0] ? x12_ack_code_text(code_el, r->code)
                                                              : ""));
    }
    if (r->ncodes) {
        json_t *a = json_array();
        for (int i = 0; i < r->ncodes; i++) {
            json_t *e = json_object();
            json_object_set_new(e, "code", cli_jstr(r->codes[i]));
            json_object_set_new(e, "text", json_string(x12_ack_code_text(codes_el, r->codes[i])));
            json_array_append_new(a, e);
        }
        json_object_set_new(o, "codes", a);
    }
    json_object_set_new(o, "ack_segment", cli_jstr(r->ack_segment));
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return s;
}

static void print_json(rctx *c, const x12_ack_record *r)
{
    char *s = cli_ack_record_json(c->file, r);
    if (s) {
        puts(s);
        free(s);
    }
}

static int on_record(void *ctx, const x12_ack_record *r)
{
    rctx *c = ctx;
    int bad = (r->kind == X12_ACK_REC_TA1 || r->kind == X12_ACK_REC_SET_END ||
               r->kind == X12_ACK_REC_GROUP_END) &&
              strcmp(r->code, "A") != 0;
    if (bad)
        c->status = EXIT_INPUT;
    if (c->json) {
        print_json(c, r);
        return 0;
    }
    char codes[600], b[6];
    switch (r->kind) {
    case X12_ACK_REC_TA1:
        codes_text(r, "TA105", codes, sizeof codes);
        printf("%s: interchange %s (%s %s): %s - %s%s%s\n", c->file, r->control, r->date, r->time,
               r->code, x12_ack_code_text("TA104", r->code), codes[0] ? "; " : "", codes);
        break;
    case X12_ACK_REC_GROUP:
        snprintf(c->group, sizeof c->group, "%s %s", r->functional_id, r->control);
        break;
    case X12_ACK_REC_SET:
        snprintf(c->set, sizeof c->set, "%s %s", r->set_id, r->control);
        break;
    case X12_ACK_REC_SEGMENT:
        printf("%s:   set %s: segment %s at position %u%s%s%s%s%s\n", c->file, c->set,
               r->segment_id, (unsigned)r->position, r->loop_id[0] ? " in loop " : "", r->loop_id,
               r->code[0] ? ": " : "", r->code[0] ? r->code : "",
               r->code[0] ? "" : "");
        if (r->code[0])
            printf("%s:     %s %s: %s\n", c->file, elname(r, "IK304", b), r->code,
                   x12_ack_code_text(elname(r, "IK304", b), r->code));
        break;
    case X12_ACK_REC_CONTEXT:
        if (!strcmp(r->context_name, "SITUATIONAL TRIGGER")) {
            /* the segment whose presence or value made the rule apply */
            printf("%s:     because of segment %s at position %u%s%s", c->file, r->segment_id,
                   (unsigned)r->position, r->loop_id[0] ? " in loop " : "", r->loop_id);
            if (r->element)
                printf(", element %u%s%.0u", (unsigned)r->element, r->component ? "." : "",
                       (unsigned)r->component);
            printf(" (situational trigger)\n");
        } else {
            printf("%s:     context %s %s\n", c->file, r->context_name, r->context_value);
        }
        break;
    case X12_ACK_REC_ELEMENT:
        printf("%s:     element %u%s%.0u%s%s%s: %s %s: %s%s%s\n", c->file,
               (unsigned)r->element, r->component ? "." : "", (unsigned)r->component,
               r->de[0] ? " (DE " : "", r->de, r->de[0] ? ")" : "", elname(r, "IK403", b), r->code,
               x12_ack_code_text(elname(r, "IK403", b), r->code),
               r->bad_data[0] ? "; value: " : "", r->bad_data);
        break;
    case X12_ACK_REC_SET_END:
        codes_text(r, elname(r, "IK502", b), codes, sizeof codes);
        printf("%s:   set %s: %s - %s%s%s\n", c->file, c->set, r->code,
               x12_ack_code_text(elname(r, "IK501", b), r->code), codes[0] ? "; " : "", codes);
        break;
    case X12_ACK_REC_GROUP_END:
        codes_text(r, "AK905", codes, sizeof codes);
        printf("%s: group %s: %s - %s (%u included, %u received, %u accepted)%s%s\n", c->file,
               c->group, r->code, x12_ack_code_text("AK901", r->code), (unsigned)r->included,
               (unsigned)r->received, (unsigned)r->accepted, codes[0] ? "; " : "", codes);
        break;
    }
    return 0;
}

static void on_error(void *ctx, const x12_error *e)
{
    rctx *c = ctx;
    cli_print_error(c->file, e);
    if (c->status < EXIT_INPUT)
        c->status = EXIT_INPUT;
}

/* What the ack reader says it cannot hold: an error (a position that is no
 * number, a value cut) makes exit status 1; a value no record has a field
 * for is a note. */
static void on_finding(void *ctx, const x12_finding *f)
{
    rctx *c = ctx;
    cli_print_error(c->file, &f->err);
    if (f->severity == X12_SEV_ERROR && c->status < EXIT_INPUT)
        c->status = EXIT_INPUT;
}

static const char HELP[] =
    "usage: x12 ack-report [--json] [options] FILE...\n"
    "Shows what received 999 and TA1 acknowledgements (and 997s) say: for each\n"
    "interchange its TA1 verdict, for each functional group (AK1/AK9) and transaction\n"
    "set (AK2/IK5) whether it was accepted, and every segment (IK3) and element (IK4) in\n"
    "error, with the codes in words.  --json prints one JSON object per acknowledgement\n"
    "segment (NDJSON).  What no record holds is said on standard error.\n"
    "Exit status: 0 everything accepted, 1 something was not accepted (or a file holds\n"
    "no acknowledgement), 2 usage or I/O error.\n\n";

int cmd_ack_report(int argc, char **argv)
{
    cli_common common;
    cli_common_init(&common);
    int json = 0, nfiles = 0, status = EXIT_FINE;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    if (!files)
        return EXIT_USAGE;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
                fputs(HELP, stdout);
                fputs(CLI_COMMON_HELP, stdout);
                free(files);
                return EXIT_FINE;
            }
            if (!strcmp(a, "--json")) {
                json = 1;
                continue;
            }
            int rc = cli_common_option(&common, argc, argv, &i);
            if (rc == 1)
                continue;
            if (rc == 0)
                fprintf(stderr, "x12 ack-report: unknown option '%s'\n", a);
            free(files);
            return EXIT_USAGE;
        }
        files[nfiles++] = a;
    }
    if (!nfiles) {
        if (cli_no_file_on_terminal("ack-report")) {
            free(files);
            return EXIT_USAGE;
        }
        files[nfiles++] = "-";
    }
    x12_reader_options o;
    cli_reader_options(&common, &o);
    for (int i = 0; i < nfiles; i++) {
        rctx c;
        memset(&c, 0, sizeof c);
        c.file = strcmp(files[i], "-") ? files[i] : "<stdin>";
        c.json = json;
        x12_ack_read_callbacks cb = {on_record, on_error, on_finding};
        x12_status st = x12_ack_read(files[i], &o, &cb, &c);
        if (st == X12_ERR_ACK_NOT_ACK) {
            fprintf(stderr, "%s: %s\n", c.file, x12_status_message(st));
            c.status = cli_worst(c.status, EXIT_INPUT);
        } else if (st != X12_OK) {
            c.status = EXIT_USAGE;
        }
        status = cli_worst(status, c.status);
    }
    free(files);
    if (fflush(stdout) != 0) {
        perror("x12 ack-report: write");
        status = EXIT_USAGE;
    }
    return status;
}
