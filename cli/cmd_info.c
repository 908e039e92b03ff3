/* x12 info: what is in a file, envelope by envelope: interchange sender,
 * receiver, date, control number and usage; each group's functional id and
 * guide; each transaction set's ST01, guide (ST03, else GS08) and segment
 * count.  Text for people, or NDJSON (one object per interchange) with --json,
 * so memory stays bounded by one interchange. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

typedef struct info_ctx {
    const char *file;
    int json;
    int status;
    unsigned errors;
    /* text output */
    unsigned isa_no, gs_no;
    int text_set_open;     /* a set's line is printed up to its segment count */
    uint32_t text_set_segs; /* segments of it so far */
    /* json output */
    json_t *isa, *groups, *group, *sets, *set;
    char gs08[40];
    char st03[40];
} info_ctx;

/* Latin-1 bytes are read as ISO-8859-1 (lossless), as x12 to-json does. */
static json_t *jslice(x12_slice s)
{
    return cli_jstrn(s.ptr, s.len);
}

/* ISA fields are fixed-width: drop the padding for display. */
static x12_slice trim(x12_slice s)
{
    while (s.len && s.ptr[s.len - 1] == ' ')
        s.len--;
    return s;
}

static void copy_slice(char *dst, size_t cap, x12_slice s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;
    if (n)
        memcpy(dst, s.ptr, n);
    dst[n] = '\0';
}

static void flush_json(info_ctx *c, int complete)
{
    if (!c->isa)
        return;
    if (c->set) {
        json_object_set_new(c->set, "complete", json_false());
        c->set = NULL;
    }
    json_object_set_new(c->isa, "complete", json_boolean(complete));
    char *s = json_dumps(c->isa, JSON_COMPACT | JSON_PRESERVE_ORDER);
    if (s) {
        puts(s);
        free(s);
    }
    json_decref(c->isa);
    c->isa = c->groups = c->group = c->sets = c->set = NULL;
}

/* Ends the line of a set that no SE closed (the next set, a trailer, or the
 * end of the input came first). */
static void close_text_set(info_ctx *c)
{
    if (!c->text_set_open)
        return;
    c->text_set_open = 0;
    printf("%u segments so far, not closed by SE\n", (unsigned)c->text_set_segs);
}

static int on_segment(void *ctx, const x12_segment *seg)
{
    info_ctx *c = ctx;
    x12_slice id = seg->id;
    /* nearly every segment is none of those read here (ISA GS ST SE GE IEA
     * TA1): one test, not a string compare for each */
    char c0 = id.len ? id.ptr[0] : 0;
    if (c0 != 'I' && c0 != 'G' && c0 != 'S' && c0 != 'T') {
        if (c->text_set_open)
            c->text_set_segs = seg->set_position;
        return 0;
    }
    if (c->text_set_open) {
        if (x12_slice_eq(id, "ST") || x12_slice_eq(id, "GE") || x12_slice_eq(id, "GS") ||
            x12_slice_eq(id, "IEA") || x12_slice_eq(id, "ISA"))
            close_text_set(c);
        else
            c->text_set_segs = seg->set_position;
    }
#define EL(n) x12_segment_element(seg, (n))
    if (x12_slice_eq(id, "ISA")) {
        c->isa_no++;
        c->gs_no = 0;
        if (c->json) {
            flush_json(c, 0);
            c->isa = json_object();
            json_object_set_new(c->isa, "file", json_string(c->file));
            json_object_set_new(c->isa, "interchange", json_integer(c->isa_no));
            json_object_set_new(c->isa, "byte_offset", json_integer((json_int_t)seg->byte_offset));
            json_object_set_new(c->isa, "sender_qualifier", jslice(trim(EL(5))));
            json_object_set_new(c->isa, "sender", jslice(trim(EL(6))));
            json_object_set_new(c->isa, "receiver_qualifier", jslice(trim(EL(7))));
            json_object_set_new(c->isa, "receiver", jslice(trim(EL(8))));
            json_object_set_new(c->isa, "date", jslice(EL(9)));
            json_object_set_new(c->isa, "time", jslice(EL(10)));
            json_object_set_new(c->isa, "version", jslice(EL(12)));
            json_object_set_new(c->isa, "control_number", jslice(EL(13)));
            json_object_set_new(c->isa, "usage", jslice(EL(15)));
            char d[5] = {seg->delims.element, seg->delims.repetition, seg->delims.component,
                         seg->delims.segment, 0};
            json_t *dl = json_object();
            json_object_set_new(dl, "element", jslice((x12_slice){d, 1}));
            json_object_set_new(dl, "repetition", d[1] ? jslice((x12_slice){d + 1, 1}) : json_null());
            json_object_set_new(dl, "component", jslice((x12_slice){d + 2, 1}));
            json_object_set_new(dl, "segment", jslice((x12_slice){d + 3, 1}));
            json_object_set_new(c->isa, "delimiters", dl);
            c->groups = json_array();
            json_object_set_new(c->isa, "groups", c->groups);
        } else {
            x12_slice sq = EL(5), s = trim(EL(6)), rq = EL(7), rc = trim(EL(8));
            x12_slice dt = EL(9), tm = EL(10), cn = EL(13), us = EL(15), vs = EL(12);
            printf("%s: interchange %u: control %.*s, sender %.*s:%.*s, receiver %.*s:%.*s, "
                   "date %.*s %.*s, usage %.*s, version %.*s\n",
                   c->file, c->isa_no, (int)cn.len, cn.ptr, (int)sq.len, sq.ptr, (int)s.len, s.ptr,
                   (int)rq.len, rq.ptr, (int)rc.len, rc.ptr, (int)dt.len, dt.ptr, (int)tm.len,
                   tm.ptr, (int)us.len, us.ptr, (int)vs.len, vs.ptr);
        }
    } else if (x12_slice_eq(id, "GS")) {
        c->gs_no++;
        copy_slice(c->gs08, sizeof c->gs08, EL(8));
        if (c->json && c->groups) {
            c->group = json_object();
            json_object_set_new(c->group, "functional_id", jslice(EL(1)));
            json_object_set_new(c->group, "sender", jslice(EL(2)));
            json_object_set_new(c->group, "receiver", jslice(EL(3)));
            json_object_set_new(c->group, "date", jslice(EL(4)));
            json_object_set_new(c->group, "time", jslice(EL(5)));
            json_object_set_new(c->group, "control_number", jslice(EL(6)));
            json_object_set_new(c->group, "version", jslice(EL(8)));
            c->sets = json_array();
            json_object_set_new(c->group, "sets", c->sets);
            json_array_append_new(c->groups, c->group);
        } else if (!c->json) {
            x12_slice f = EL(1), cn = EL(6), v = EL(8), s = EL(2), r = EL(3), d = EL(4);
            printf("%s:   group %u: control %.*s, functional id %.*s, sender %.*s, receiver %.*s, "
                   "date %.*s, version %.*s\n",
                   c->file, c->gs_no, (int)cn.len, cn.ptr, (int)f.len, f.ptr, (int)s.len, s.ptr,
                   (int)r.len, r.ptr, (int)d.len, d.ptr, (int)v.len, v.ptr);
        }
    } else if (x12_slice_eq(id, "ST")) {
        copy_slice(c->st03, sizeof c->st03, EL(3));
        if (c->json && c->sets) {
            c->set = json_object();
            json_object_set_new(c->set, "id", jslice(EL(1)));
            json_object_set_new(c->set, "control_number", jslice(EL(2)));
            /* X12: ST03, when present, takes precedence over GS08. */
            json_object_set_new(c->set, "guide", json_string(c->st03[0] ? c->st03 : c->gs08));
            json_object_set_new(c->set, "guide_from", json_string(c->st03[0] ? "ST03" : "GS08"));
            json_array_append_new(c->sets, c->set);
        } else if (!c->json) {
            x12_slice st01 = EL(1), st02 = EL(2);
            printf("%s:     set %.*s: %.*s, guide %s (%s), ", c->file, (int)st02.len, st02.ptr,
                   (int)st01.len, st01.ptr, c->st03[0] ? c->st03 : c->gs08,
                   c->st03[0] ? "ST03" : "GS08");
            c->text_set_open = 1;
            c->text_set_segs = seg->set_position;
        }
    } else if (x12_slice_eq(id, "SE")) {
        if (c->json && c->set) {
            json_object_set_new(c->set, "segments", json_integer(seg->set_position));
            json_object_set_new(c->set, "complete", json_true());
            c->set = NULL;
        } else if (!c->json && c->text_set_open) {
            c->text_set_open = 0;
            printf("%u segments\n", (unsigned)seg->set_position);
        }
    } else if (x12_slice_eq(id, "TA1")) {
        if (c->json && c->isa) {
            json_t *ta = json_object();
            json_object_set_new(ta, "control_number", jslice(EL(1)));
            json_object_set_new(ta, "date", jslice(EL(2)));
            json_object_set_new(ta, "time", jslice(EL(3)));
            json_object_set_new(ta, "ack_code", jslice(EL(4)));
            json_object_set_new(ta, "note_code", jslice(EL(5)));
            json_object_set_new(c->isa, "ta1", ta);
        } else if (!c->json) {
            x12_slice a = EL(1), b = EL(4), n = EL(5);
            printf("%s:   TA1 for interchange %.*s: %.*s, note %.*s\n", c->file, (int)a.len, a.ptr,
                   (int)b.len, b.ptr, (int)n.len, n.ptr);
        }
    } else if (x12_slice_eq(id, "IEA")) {
        if (c->json)
            flush_json(c, 1);
    }
#undef EL
    return 0;
}

static void on_error(void *ctx, const x12_error *e)
{
    info_ctx *c = ctx;
    cli_print_error(c->file, e);
    c->errors++;
    c->status = cli_worst(c->status, e->code == X12_ERR_IO || e->code == X12_ERR_NOMEM ? EXIT_USAGE : EXIT_INPUT);
}

static const char HELP[] =
    "usage: x12 info [--json] [options] FILE...\n"
    "Shows each interchange (sender, receiver, date, control number, usage), each group\n"
    "(functional id, guide) and each transaction set (ST01, guide from ST03 else GS08,\n"
    "segment count).  --json prints one JSON object per interchange (NDJSON).\n"
    "Exit status: 0 no errors, 1 the input has errors, 2 usage or I/O error.\n\n";

int cmd_info(int argc, char **argv)
{
    int json = 0;
    cli_args args;
    int rc = cli_parse(argc, argv, "info", HELP, cli_json_option, &json, &args);
    if (rc >= 0)
        return rc;
    const char **files = args.files;
    int nfiles = args.nfiles;
    x12_reader_options o;
    cli_reader_options(&args.common, &o);
    x12_reader_callbacks cb = {on_segment, on_error};
    int status = EXIT_FINE;
    for (int i = 0; i < nfiles; i++) {
        info_ctx c;
        memset(&c, 0, sizeof c);
        c.file = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        c.json = json;
        /* the line of a set cut short ends before the errors are counted up */
        fflush(stdout);
        x12_status st = x12_read_file(files[i], &o, &cb, &c);
        close_text_set(&c);
        if (json)
            flush_json(&c, 0);
        if (st == X12_ERR_NOMEM)
            c.status = EXIT_USAGE;
        if (!json && c.errors)
            printf("%s: %u error%s\n", c.file, c.errors, c.errors == 1 ? "" : "s");
        status = cli_worst(status, c.status);
    }
    cli_args_free(&args);
    if (fflush(stdout) != 0) {
        perror("x12 info: write");
        status = EXIT_USAGE;
    }
    return status;
}
