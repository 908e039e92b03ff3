/* x12 to-json: each transaction set as one JSON document (one line, so several
 * sets make NDJSON), its loops as the guide names them.  Written as the events
 * arrive, so memory is one segment, not one set.  Format: docs/json.md. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <x12/walk.h>

#include "cli.h"

#define MAX_DEPTH 64

typedef struct tj {
    const char *file;
    FILE *out;
    x12_walker *w;
    int status;
    int first[MAX_DEPTH]; /* no item written yet at this depth */
    int in_set;
    json_t *isa, *gs;     /* header facts repeated in every document */
} tj;

/* A JSON string of the slice's bytes: UTF-8 as it is, any other byte read as
 * ISO-8859-1 (0xE9 is U+00E9), so that no value is cut or lost. */
static json_t *jstr(x12_slice s)
{
    return cli_jstrn(s.ptr, s.len);
}

/* An element's value (or one of its parts) for the tree: jstr(), with a
 * warning on standard error when it is not UTF-8. */
static json_t *jtext(tj *t, const x12_segment *seg, unsigned pos, unsigned comp, x12_slice v)
{
    size_t ok = x12_utf8_prefix(v.ptr, v.len);
    if (ok < v.len) {
        char why[48];
        snprintf(why, sizeof why, "byte 0x%02X: read as ISO-8859-1", (unsigned)(unsigned char)v.ptr[ok]);
        cli_print_at(t->file, seg, X12_ERR_ELEMENT_CHAR, "text is not UTF-8", pos, comp, why);
    }
    return jstr(v);
}

/* An element: a string, an array of components, or {"repeat": [...]}. */
static json_t *element(tj *t, const x12_segment *seg, unsigned pos, x12_slice e)
{
    char rs = seg->delims.repetition, cs = seg->delims.component;
    unsigned nrep = x12_count_parts(e, rs);
    json_t *reps = nrep > 1 ? json_array() : NULL;
    for (unsigned r = 1; r <= nrep; r++) {
        x12_slice v = x12_element_repetition(seg, e, r);
        unsigned nc = x12_count_parts(v, cs);
        json_t *item;
        if (nc > 1) {
            item = json_array();
            for (unsigned c = 1; c <= nc; c++)
                json_array_append_new(item, jtext(t, seg, pos, c, x12_element_component(seg, v, c)));
        } else {
            item = jtext(t, seg, pos, 0, v);
        }
        if (!reps)
            return item;
        json_array_append_new(reps, item);
    }
    json_t *o = json_object();
    json_object_set_new(o, "repeat", reps);
    return o;
}

static void put_item_sep(tj *t, uint32_t depth)
{
    if (depth >= MAX_DEPTH)
        return;
    if (!t->first[depth])
        fputc(',', t->out);
    t->first[depth] = 0;
}

static void put_json(tj *t, json_t *j)
{
    json_dumpf(j, t->out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII | JSON_ENCODE_ANY);
    json_decref(j);
}

static void put(json_t *o, const char *key, json_t *v)
{
    json_object_set_new(o, key, v);
}

/* The envelope's facts, repeated in every document of the interchange and
 * group: each element of ISA and GS, by these names (the first as they have
 * always been, then the rest, so that no value of a header is lost); `trim`
 * drops the padding of the ISA's fixed widths. */
typedef struct header_key {
    const char *key;
    uint8_t pos, trim;
} header_key;

static const header_key ISA_KEYS[] = {
    {"control_number", 13, 0}, {"sender", 6, 1}, {"receiver", 8, 1}, {"usage", 15, 0},
    {"authorization_qualifier", 1, 0}, {"authorization", 2, 1}, {"security_qualifier", 3, 0},
    {"security", 4, 1}, {"sender_qualifier", 5, 0}, {"receiver_qualifier", 7, 0},
    {"date", 9, 0}, {"time", 10, 0}, {"repetition_separator", 11, 0}, {"version", 12, 0},
    {"ack_requested", 14, 0}, {"component_separator", 16, 0},
};

static const header_key GS_KEYS[] = {
    {"functional_id", 1, 0}, {"control_number", 6, 0}, {"version", 8, 0}, {"sender", 2, 0},
    {"receiver", 3, 0}, {"date", 4, 0}, {"time", 5, 0}, {"agency", 7, 0},
};

static json_t *header_object(const x12_segment *seg, const header_key *k, size_t n)
{
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        x12_slice v = x12_segment_element(seg, k[i].pos);
        while (k[i].trim && v.len && v.ptr[v.len - 1] == ' ')
            v.len--;
        put(o, k[i].key, jstr(v));
    }
    return o;
}

static void header(tj *t, const x12_segment *seg)
{
    if (x12_slice_eq(seg->id, "ISA")) {
        json_decref(t->isa);
        t->isa = header_object(seg, ISA_KEYS, sizeof ISA_KEYS / sizeof ISA_KEYS[0]);
    } else if (x12_slice_eq(seg->id, "GS")) {
        json_decref(t->gs);
        t->gs = header_object(seg, GS_KEYS, sizeof GS_KEYS / sizeof GS_KEYS[0]);
    }
}

/* A TA1 (an interchange acknowledgement, outside any set) is a document of
 * its own: the interchange, and the segment as a set's segments are
 * written.  (It was left out without a word.) */
static void ta1_document(tj *t, const x12_segment *seg)
{
    fprintf(t->out, "{\"file\":");
    put_json(t, json_string(t->file));
    fprintf(t->out, ",\"interchange\":");
    put_json(t, t->isa ? json_incref(t->isa) : json_null());
    json_t *o = json_object();
    put(o, "id", jstr(seg->id));
    put(o, "name", json_string("Interchange Acknowledgment"));
    json_t *els = json_array();
    for (uint32_t i = 1; i <= seg->element_count; i++)
        json_array_append_new(els, element(t, seg, i, seg->elements[i]));
    put(o, "elements", els);
    fprintf(t->out, ",\"ta1\":");
    put_json(t, o);
    fputs("}\n", t->out);
}

static int on_event(void *ctx, const x12_walk_event *ev)
{
    tj *t = ctx;
    if (ev->kind == X12_WALK_SEGMENT && !ev->loop_id) {
        if (x12_slice_eq(ev->seg->id, "TA1"))
            ta1_document(t, ev->seg);
        else
            header(t, ev->seg);
        return 0;
    }
    if (ev->kind == X12_WALK_ENTER) {
        if (ev->depth == 0) {
            /* a new document */
            fprintf(t->out, "{\"file\":");
            put_json(t, json_string(t->file));
            fprintf(t->out, ",\"interchange\":");
            put_json(t, t->isa ? json_incref(t->isa) : json_null());
            fprintf(t->out, ",\"group\":");
            put_json(t, t->gs ? json_incref(t->gs) : json_null());
            fprintf(t->out, ",\"guide\":");
            put_json(t, ev->spec ? json_string(x12_spec_guide_id(ev->spec)) : json_null());
            fprintf(t->out, ",\"loop\":");
            t->in_set = 1;
        } else {
            put_item_sep(t, ev->depth - 1);
        }
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(ev->loop_id));
        if (ev->loop_name)
            json_object_set_new(o, "name", json_string(ev->loop_name));
        char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
        json_decref(o);
        /* open the object again to append "content" */
        if (s) {
            s[strlen(s) - 1] = '\0';
            fprintf(t->out, "%s,\"content\":[", s);
            free(s);
        }
        if (ev->depth < MAX_DEPTH)
            t->first[ev->depth] = 1;
        return 0;
    }
    if (ev->kind == X12_WALK_LEAVE) {
        fputs("]}", t->out);
        if (ev->depth == 0) {
            fputs("}\n", t->out);
            t->in_set = 0;
        }
        return 0;
    }
    const x12_segment *seg = ev->seg;
    put_item_sep(t, ev->depth);
    json_t *o = json_object();
    json_object_set_new(o, "id", jstr(seg->id));
    json_object_set_new(o, "position", json_integer(seg->set_position));
    if (ev->seg_name)
        json_object_set_new(o, "name", json_string(ev->seg_name));
    if (!ev->placed)
        json_object_set_new(o, "unplaced", json_true());
    json_t *els = json_array();
    for (uint32_t i = 1; i <= seg->element_count; i++)
        json_array_append_new(els, element(t, seg, i, seg->elements[i]));
    json_object_set_new(o, "elements", els);
    put_json(t, o);
    return 0;
}

static void on_finding(void *ctx, const x12_finding *f)
{
    tj *t = ctx;
    /* to-json converts; it reports only what makes the output incomplete */
    if (f->snip == 1 && f->severity == X12_SEV_ERROR) {
        cli_print_error(t->file, &f->err);
        t->status = cli_worst(t->status, EXIT_INPUT);
    }
}

static int on_segment(void *ctx, const x12_segment *seg)
{
    tj *t = ctx;
    return x12_walker_segment(t->w, seg) != X12_OK;
}

static void on_error(void *ctx, const x12_error *e)
{
    tj *t = ctx;
    if (e->code == X12_ERR_IO || e->code == X12_ERR_NOMEM) {
        cli_print_error(t->file, e);
        t->status = EXIT_USAGE;
        return;
    }
    x12_walker_reader_error(t->w, e);
}

static const char HELP[] =
    "usage: x12 to-json [--nearest-guide] [options] [FILE|-]...\n"
    "Writes each transaction set as one JSON document on one line (NDJSON when there\n"
    "are several): its loops as the implementation guide names them, each segment with\n"
    "its position from ST and its elements (a string; an array of components; or\n"
    "{\"repeat\": [...]} for repetitions).  Sets of an unknown guide are one flat loop;\n"
    "with --nearest-guide a set of another version of a guide x12kit has (005010X222A2,\n"
    "X221, ...) gets that guide's loops.\n"
    "Exit status: 0 no errors, 1 the input has syntax or envelope errors, 2 usage or I/O error.\n\n";

/* --nearest-guide */
static int own_option(void *ctx, int argc, char **argv, int *i)
{
    (void)argc;
    if (strcmp(argv[*i], "--nearest-guide") != 0)
        return 0;
    *(unsigned *)ctx |= X12_WALK_NEAREST_GUIDE;
    return 1;
}

int cmd_to_json(int argc, char **argv)
{
    cli_args args;
    unsigned walk_flags = 0;
    int rc = cli_parse(argc, argv, "to-json", HELP, own_option, &walk_flags, &args);
    if (rc >= 0)
        return rc;
    const char **files = args.files;
    int nfiles = args.nfiles;
    x12_reader_options o;
    cli_reader_options(&args.common, &o);
    int status = EXIT_FINE;
    for (int i = 0; i < nfiles; i++) {
        tj t;
        memset(&t, 0, sizeof t);
        t.file = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        t.out = stdout;
        x12_walker_callbacks wc = {on_event, on_finding};
        t.w = x12_walker_new(&wc, &t, walk_flags);
        if (!t.w) {
            cli_args_free(&args);
            return EXIT_USAGE;
        }
        x12_reader_callbacks cb = {on_segment, on_error};
        x12_status st = x12_read_file(files[i], &o, &cb, &t);
        x12_walker_finish(t.w);
        x12_walker_free(t.w);
        json_decref(t.isa);
        json_decref(t.gs);
        if (st == X12_ERR_NOMEM)
            t.status = EXIT_USAGE;
        status = cli_worst(status, t.status);
    }
    cli_args_free(&args);
    if (fflush(stdout) != 0) {
        perror("x12 to-json: write");
        status = EXIT_USAGE;
    }
    return status;
}
