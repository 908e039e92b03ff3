/* x12 validate: findings as the file is read — the reader's syntax and
 * envelope errors (SNIP 1) and the guide's structure and element rules
 * (SNIP 1-2) — one line each for people, or NDJSON with --json. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <x12/walk.h>

#include "cli.h"

/* --summary: findings counted by kind instead of printed one by one.  A kind
 * is the status code, severity and SNIP type with what it names: the rule id
 * of a rule, else the segment id and element position ("SBR09"). */
typedef struct kind {
    x12_status code;
    x12_severity severity;
    uint8_t snip;
    char what[48];
    unsigned long count;
    uint32_t first_index; /* the first finding's segment index and byte */
    uint64_t first_byte;
} kind;

/* Kinds kept apart per file; past them, the rest are counted as one, "(other
 * kinds)" (a file with that many kinds of finding is not read for them). */
#define MAX_KINDS 256

typedef struct vctx {
    const char *file;
    int json, summary;
    x12_walker *w;
    int status;
    unsigned long errors, warnings, infos;
    kind *kinds; /* MAX_KINDS, with --summary */
    size_t nkinds;
} vctx;

static const char *SEV[] = {"error", "warning", "info"};

/* One JSON object as one line of output; `o` is released. */
static void put_json(json_t *o)
{
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (s) {
        puts(s);
        free(s);
    }
}

static void count_kind(vctx *v, const x12_finding *f)
{
    char what[48];
    if (f->err.code == X12_ERR_RULE) /* detail: "rule-id" or "rule-id: what never came" */
        snprintf(what, sizeof what, "%.*s", (int)strcspn(f->err.detail, ":"), f->err.detail);
    else if (f->err.element_pos)
        snprintf(what, sizeof what, "%s%02u", f->err.segment_id, (unsigned)f->err.element_pos);
    else
        snprintf(what, sizeof what, "%s", f->err.segment_id);
    for (size_t i = 0; i < v->nkinds; i++) {
        kind *k = &v->kinds[i];
        if (k->code == f->err.code && k->severity == f->severity && k->snip == f->snip &&
            !strcmp(k->what, what)) {
            k->count++;
            return;
        }
    }
    if (v->nkinds == MAX_KINDS) { /* the last one counts the rest */
        kind *k = &v->kinds[MAX_KINDS - 1];
        if (strcmp(k->what, "(other kinds)") != 0) {
            k->code = X12_OK;
            snprintf(k->what, sizeof k->what, "(other kinds)");
        }
        k->count++;
        return;
    }
    kind *k = &v->kinds[v->nkinds++];
    k->code = f->err.code;
    k->severity = f->severity;
    k->snip = f->snip;
    memcpy(k->what, what, sizeof k->what);
    k->count = 1;
    k->first_index = f->err.segment_index;
    k->first_byte = f->err.byte_offset;
}

/* Most frequent first; then errors before warnings, then by code and name. */
static int kind_order(const void *a, const void *b)
{
    const kind *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    if (x->severity != y->severity)
        return x->severity < y->severity ? -1 : 1;
    if (x->code != y->code)
        return x->code < y->code ? -1 : 1;
    return strcmp(x->what, y->what);
}

static void print_summary(const vctx *v)
{
    if (v->nkinds) /* (kinds is NULL when there were none) */
        qsort(v->kinds, v->nkinds, sizeof *v->kinds, kind_order);
    if (v->json) {
        json_t *o = json_object(), *a = json_array();
        json_object_set_new(o, "file", json_string(v->file));
        json_object_set_new(o, "errors", json_integer((json_int_t)v->errors));
        json_object_set_new(o, "warnings", json_integer((json_int_t)v->warnings));
        json_object_set_new(o, "info", json_integer((json_int_t)v->infos));
        for (size_t i = 0; i < v->nkinds; i++) {
            const kind *k = &v->kinds[i];
            json_t *e = json_object();
            json_object_set_new(e, "count", json_integer((json_int_t)k->count));
            if (k->code == X12_OK) { /* the rest, past MAX_KINDS */
                json_object_set_new(e, "what", json_string(k->what));
                json_array_append_new(a, e);
                continue;
            }
            json_object_set_new(e, "severity", json_string(SEV[k->severity]));
            json_object_set_new(e, "snip", json_integer(k->snip));
            json_object_set_new(e, "code", json_string(x12_status_name(k->code)));
            json_object_set_new(e, "what", json_string(k->what));
            json_object_set_new(e, "first_segment_index", json_integer(k->first_index));
            json_object_set_new(e, "first_byte", json_integer((json_int_t)k->first_byte));
            json_array_append_new(a, e);
        }
        json_object_set_new(o, "kinds", a);
        put_json(o);
        return;
    }
    for (size_t i = 0; i < v->nkinds; i++) {
        const kind *k = &v->kinds[i];
        if (k->code == X12_OK) {
            printf("%s: %8lu  %s\n", v->file, k->count, k->what);
            continue;
        }
        printf("%s: %8lu  %-7s SNIP %u  %s %s (first: segment %lu, byte %llu)\n", v->file,
               k->count, SEV[k->severity], (unsigned)k->snip, x12_status_name(k->code), k->what,
               (unsigned long)k->first_index, (unsigned long long)k->first_byte);
    }
}

static void on_finding(void *ctx, const x12_finding *f)
{
    vctx *v = ctx;
    if (f->severity == X12_SEV_ERROR) {
        v->errors++;
        v->status = cli_worst(v->status, EXIT_INPUT);
    } else if (f->severity == X12_SEV_WARNING) {
        v->warnings++;
    } else {
        v->infos++;
    }
    if (v->summary) {
        count_kind(v, f);
        return;
    }
    if (v->json) {
        json_t *o = json_object();
        json_object_set_new(o, "file", json_string(v->file));
        json_object_set_new(o, "severity", json_string(SEV[f->severity]));
        json_object_set_new(o, "snip", json_integer(f->snip));
        json_object_set_new(o, "code", json_string(x12_status_name(f->err.code)));
        json_object_set_new(o, "message", json_string(f->err.msg));
        if (f->err.detail[0])
            json_object_set_new(o, "detail", json_string(f->err.detail));
        json_object_set_new(o, "guide", json_string(f->guide));
        json_object_set_new(o, "loop", json_string(f->loop_id));
        json_object_set_new(o, "segment_index", json_integer(f->err.segment_index));
        json_object_set_new(o, "set_position", json_integer(f->err.set_position));
        json_object_set_new(o, "segment", json_string(f->err.segment_id));
        json_object_set_new(o, "element", json_integer(f->err.element_pos));
        json_object_set_new(o, "component", json_integer(f->err.component_pos));
        json_object_set_new(o, "repetition", json_integer(f->repetition_pos));
        json_object_set_new(o, "byte", json_integer((json_int_t)f->err.byte_offset));
        json_object_set_new(o, "ik3", f->ik3[0] ? json_string(f->ik3) : json_null());
        json_object_set_new(o, "ik4", f->ik4[0] ? json_string(f->ik4) : json_null());
        if (f->note)
            json_object_set_new(o, "note", json_string(f->note));
        if (f->err.value[0]) {
            json_t *val = json_string(f->err.value);
            json_object_set_new(o, "value", val ? val : json_string("?"));
        }
        put_json(o);
        return;
    }
    char line[512];
    x12_error_format(&f->err, line, sizeof line);
    printf("%s: %s [%s, SNIP %u%s%s%s%s%s%s]%s%s\n", v->file, line, SEV[f->severity],
           (unsigned)f->snip, f->loop_id[0] ? ", loop " : "", f->loop_id,
           f->ik3[0] ? ", IK304 " : "", f->ik3, f->ik4[0] ? ", IK403 " : "", f->ik4,
           f->note ? " " : "", f->note ? f->note : "");
}

static int on_segment(void *ctx, const x12_segment *seg)
{
    vctx *v = ctx;
    return x12_walker_segment(v->w, seg) != X12_OK;
}

static void on_error(void *ctx, const x12_error *e)
{
    vctx *v = ctx;
    if (e->code == X12_ERR_IO || e->code == X12_ERR_NOMEM) {
        cli_print_error(v->file, e);
        v->status = EXIT_USAGE;
        return;
    }
    x12_walker_reader_error(v->w, e);
}

static const char HELP[] =
    "usage: x12 validate [--json] [--summary] [--nearest-guide] [--spec OVERLAY]... [options]\n"
    "                    [FILE|-]...\n"
    "       x12 validate --rules GUIDE [--json] [--spec OVERLAY]...\n"
    "Reports every finding as the file is read: X12 syntax and envelopes (SNIP 1), and\n"
    "the implementation guide's loops, segments and elements (SNIP 2: usage, repeats,\n"
    "lengths, data types, code values, syntax notes), and balancing in integer cents\n"
    "(SNIP 3: 835 line, claim and BPR02 totals; 837 CLM02 and COB), and the guide's\n"
    "situational rules (SNIP 4).  The guide of each transaction set\n"
    "comes from ST03, else GS08; a set of an unknown guide gets envelope checks only, and\n"
    "an info line says so.  --nearest-guide checks a set of another version of a guide\n"
    "x12kit has (005010X221, X222, X222A2, X223, X223A1, X223A3, X224, X224A1, X224A3,\n"
    "X231) against that guide instead, with a warning at its ST.\n"
    "--json prints one JSON object per finding (NDJSON).\n"
    "--summary counts the findings by kind instead (code, severity, SNIP type, and the rule\n"
    "id or the segment and element), most frequent first, with where each kind first\n"
    "occurs; with --json, one object per file.\n"
    "--spec OVERLAY applies a trading partner's companion guide (docs/specs.md\n"
    "\"Overlays\"): tighter usage, codes and lengths, and its rules (SNIP 7).\n"
    "--rules GUIDE reads no file: it lists the situational rules x12 validate checks in\n"
    "GUIDE (005010X222A1, ...), an overlay's after them when --spec gives one for it:\n"
    "id, severity, SNIP type, scope (and segment), 999 code, message and source; with\n"
    "--json one object per rule.\n"
    "Exit status: 0 no errors, 1 errors were found, 2 usage or I/O error.\n\n";


typedef struct vopts {
    int json, summary;
    int nearest; /* --nearest-guide */
    const char *rules; /* --rules GUIDE */
    int nspecs;
    x12_spec *specs[CLI_MAX_OVERLAID];
} vopts;

/* --json, and --spec OVERLAY: loaded here, so that a bad overlay is a usage error */
static int own_option(void *ctx, int argc, char **argv, int *i)
{
    vopts *vo = ctx;
    const char *a = argv[*i];
    if (strcmp(a, "--json") == 0) {
        vo->json = 1;
        return 1;
    }
    if (strcmp(a, "--nearest-guide") == 0) {
        vo->nearest = 1;
        return 1;
    }
    if (strcmp(a, "--summary") == 0) {
        vo->summary = 1;
        return 1;
    }
    if (strcmp(a, "--rules") == 0) {
        if (*i + 1 >= argc) {
            fprintf(stderr, "x12 validate: --rules needs a guide id (005010X222A1, ...)\n");
            return -1;
        }
        vo->rules = argv[++*i];
        return 1;
    }
    if (strcmp(a, "--spec") != 0)
        return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "x12 validate: --spec needs an overlay file\n");
        return -1;
    }
    return cli_overlay_add("validate", vo->specs, &vo->nspecs, argv[++*i], NULL) == 0 ? 1 : -1;
}

/* --rules GUIDE: the rules of the guide (overlaid when `specs` has it), one
 * per line or one JSON object each.  Exit status 0, or 2 for an unknown guide. */
static int list_rules(const char *guide, x12_spec **specs, int nspecs, int json)
{
    x12_spec *own = NULL;
    const x12_spec *s = NULL;
    for (int k = 0; k < nspecs && !s; k++)
        if (!strcmp(x12_spec_guide_id(specs[k]), guide))
            s = specs[k];
    if (!s) {
        x12_error err;
        s = own = x12_spec_load_builtin(guide, &err);
        if (!s || !x12_spec_transaction(s)) {
            /* (no such guide; else no memory) */
            fprintf(stderr, "x12 validate: --rules: %s '%s' (x12kit has:",
                    s || err.code == X12_ERR_USAGE ? "no guide" : x12_status_message(err.code),
                    guide);
            for (const char *const *id = x12_spec_builtin_ids(); *id; id++)
                fprintf(stderr, " %s", *id);
            fprintf(stderr, ")\n");
            x12_spec_free(own);
            return EXIT_USAGE;
        }
    }
    size_t n = x12_spec_rule_count(s);
    for (size_t i = 0; i < n; i++) {
        x12_spec_rule_info r;
        if (x12_spec_rule_at(s, i, &r) != X12_OK)
            break;
        const char *sev = r.severity < 3 ? SEV[r.severity] : "?";
        if (json) {
            json_t *o = json_object();
            json_object_set_new(o, "guide", json_string(x12_spec_guide_id(s)));
            json_object_set_new(o, "id", json_string(r.id));
            json_object_set_new(o, "severity", json_string(sev));
            json_object_set_new(o, "snip", json_integer(r.snip));
            json_object_set_new(o, "scope", json_string(r.scope));
            json_object_set_new(o, "segment", json_string(r.segment));
            json_object_set_new(o, "ik3", json_string(r.ik3));
            json_object_set_new(o, "ik4", json_string(r.ik4));
            json_object_set_new(o, "message", json_string(r.message));
            json_object_set_new(o, "source", json_string(r.source));
            put_json(o);
            continue;
        }
        printf("%s: %s, SNIP %u, %s %s%s%s%s%s%s%s\n  %s\n", r.id, sev, r.snip,
               strcmp(r.scope, "*") ? "loop" : "scope", r.scope, r.segment[0] ? ", segment " : "",
               r.segment, r.ik3[0] ? ", IK304 " : "", r.ik3, r.ik4[0] ? ", IK403 " : "", r.ik4,
               r.message);
        if (r.source[0])
            printf("  source: %s\n", r.source);
    }
    if (!json)
        printf("%s: %zu rule%s%s%s\n", x12_spec_guide_id(s), n, n == 1 ? "" : "s",
               x12_spec_overlays(s)[0] ? ", with " : "", x12_spec_overlays(s));
    x12_spec_free(own);
    if (fflush(stdout) != 0) {
        perror("x12 validate: write");
        return EXIT_USAGE;
    }
    return EXIT_FINE;
}

int cmd_validate(int argc, char **argv)
{
    vopts vo;
    memset(&vo, 0, sizeof vo);
    cli_args args;
    int rc = cli_parse(argc, argv, "validate", HELP, own_option, &vo, &args);
    if (rc >= 0) {
        for (int k = 0; k < vo.nspecs; k++)
            x12_spec_free(vo.specs[k]);
        return rc;
    }
    const char **files = args.files;
    int nfiles = args.nfiles, json = vo.json, nspecs = vo.nspecs;
    x12_spec **specs = vo.specs;
    if (vo.rules) {
        int st = EXIT_USAGE;
        if (nfiles == 1 && !strcmp(files[0], "-") && !vo.summary)
            st = list_rules(vo.rules, specs, nspecs, json);
        else
            fprintf(stderr, "x12 validate: --rules reads no file and has no --summary\n");
        cli_args_free(&args);
        for (int k = 0; k < nspecs; k++)
            x12_spec_free(specs[k]);
        return st;
    }
    x12_reader_options o;
    cli_reader_options(&args.common, &o);
    int status = EXIT_FINE;
    static kind kinds[MAX_KINDS];
    for (int i = 0; i < nfiles; i++) {
        vctx v;
        memset(&v, 0, sizeof v);
        v.file = strcmp(files[i], "-") == 0 ? "<stdin>" : files[i];
        v.json = json;
        v.summary = vo.summary;
        v.kinds = kinds;
        x12_walker_callbacks wc = {NULL, on_finding};
        v.w = x12_walker_new(&wc, &v, X12_WALK_ELEMENTS | X12_WALK_BALANCE | X12_WALK_RULES |
                                          (vo.nearest ? X12_WALK_NEAREST_GUIDE : 0));
        if (!v.w)
            goto usage;
        for (int k = 0; k < nspecs; k++)
            if (x12_walker_use_spec(v.w, specs[k]) != X12_OK) {
                x12_walker_free(v.w);
                goto usage;
            }
        x12_reader_callbacks cb = {on_segment, on_error};
        x12_status st = x12_read_file(files[i], &o, &cb, &v);
        x12_walker_finish(v.w);
        x12_walker_free(v.w);
        if (st == X12_ERR_NOMEM)
            v.status = EXIT_USAGE;
        if (v.summary && v.status != EXIT_USAGE)
            print_summary(&v);
        if (!json && v.status != EXIT_USAGE)
            printf("%s: %lu error%s, %lu warning%s\n", v.file, v.errors, v.errors == 1 ? "" : "s",
                   v.warnings, v.warnings == 1 ? "" : "s");
        status = cli_worst(status, v.status);
    }
    cli_args_free(&args);
    for (int k = 0; k < nspecs; k++)
        x12_spec_free(specs[k]);
    if (fflush(stdout) != 0) {
        perror("x12 validate: write");
        status = EXIT_USAGE;
    }
    return status;
usage:
    cli_args_free(&args);
    for (int k = 0; k < nspecs; k++)
        x12_spec_free(specs[k]);
    return EXIT_USAGE;
}
